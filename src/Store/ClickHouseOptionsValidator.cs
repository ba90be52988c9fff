using System.Data.Common;
using System.Globalization;
using ClickHouse.Driver.ADO;
using Microsoft.Extensions.Options;

namespace ReformMetrics.Store;

/// <summary>Checks what data annotations cannot: that a connection string is complete and has no misspelt key
/// (the driver ignores unknown keys and falls back to localhost, which hides typos).</summary>
public sealed class ClickHouseOptionsValidator : IValidateOptions<ClickHouseOptions>
{
    private static readonly HashSet<string> KnownKeys = new(
        typeof(ClickHouseConnectionStringBuilder).GetProperties().Select(p => p.Name), StringComparer.OrdinalIgnoreCase);

    private const string Example = "Ví dụ đúng: Host=127.0.0.1;Port=8123;Username=default;Password=...";

    public ValidateOptionsResult Validate(string? name, ClickHouseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!options.IsEmbedded)
        {
            failures.AddRange(CheckConnectionString(options.ConnectionString!));
            if (options.ConflictingCluster is { } named)
            {
                failures.Add($"Chuỗi kết nối ClickHouse ghi {ClickHouseOptions.ClusterKey}={named} nhưng ClickHouse:Cluster là {options.Cluster}: hãy chỉ ghi một trong hai.");
            }
        }
        else if (!string.IsNullOrEmpty(options.Cluster))
        {
            failures.Add("ClickHouse:Cluster chỉ dùng được với máy chủ ClickHouse (--clickhouse), không dùng với bộ máy nhúng.");
        }

        if (!string.IsNullOrWhiteSpace(options.AnalystConnectionString))
        {
            failures.AddRange(CheckConnectionString(options.AnalystConnectionString).Select(f => "ClickHouse:AnalystConnectionString: " + f));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static IEnumerable<string> CheckConnectionString(string connectionString)
    {
        var parsed = new DbConnectionStringBuilder();
        try
        {
            parsed.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            return [$"Chuỗi kết nối ClickHouse không đọc được. {Example}"];
        }

        var failures = new List<string>();
        foreach (string key in parsed.Keys)
        {
            if (!KnownKeys.Contains(key) && !key.StartsWith("set_", StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"Chuỗi kết nối ClickHouse có khoá không biết: \"{AsWritten(connectionString, key)}\". Các khoá hợp lệ: {string.Join(", ", KnownKeys.Order(StringComparer.Ordinal))}.");
            }
        }

        if (!parsed.TryGetValue("Host", out var host) || string.IsNullOrWhiteSpace(host as string))
        {
            failures.Add($"Chuỗi kết nối ClickHouse thiếu Host. {Example}");
        }

        if (parsed.TryGetValue("Port", out var port)
            && !(ushort.TryParse(port as string, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0))
        {
            failures.Add($"Port trong chuỗi kết nối ClickHouse phải là số từ 1 đến 65535, không phải \"{port}\".");
        }

        if (parsed.TryGetValue("Protocol", out var protocol) && protocol is string p && p is not ("http" or "https"))
        {
            failures.Add($"Protocol trong chuỗi kết nối ClickHouse phải là http hoặc https, không phải \"{p}\".");
        }

        if (failures.Count == 0)
        {
            try
            {
                new ClickHouseClientSettings(connectionString).Validate();
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
            {
                failures.Add($"Chuỗi kết nối ClickHouse không hợp lệ: {ex.Message}");
            }
        }

        return failures;
    }

    /// <summary>The key as the user typed it (the parser lower-cases keys).</summary>
    private static string AsWritten(string connectionString, string key)
    {
        var at = connectionString.IndexOf(key, StringComparison.OrdinalIgnoreCase);
        return at < 0 ? key : connectionString.Substring(at, key.Length);
    }
}
