using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;
using ReformMetrics.Store;

namespace ReformMetrics.Dashboard.Limits;

/// <summary>
/// The limits of the "Dashboard" section: what one query a viewer causes may cost ClickHouse, and how often one user (or,
/// before sign-in, one address) may call. The defaults leave a person browsing, or a 50-user load test with think time,
/// far below every limit (README, "Limits").
/// </summary>
public sealed class LimitOptions
{
    /// <summary>Server-side time limit of one query (max_execution_time), in seconds; fractions allowed.</summary>
    [Range(0.001, 3600, ErrorMessage = "Dashboard:QueryTimeoutSeconds phải từ 0,001 đến 3.600 giây.")]
    public double QueryTimeoutSeconds { get; set; } = 30;

    /// <summary>Memory one query may use in ClickHouse (max_memory_usage), in bytes; 0 (no limit) is not accepted.</summary>
    [Range(1, long.MaxValue, ErrorMessage = "Dashboard:QueryMemoryBytes phải lớn hơn 0 (không chấp nhận 0, tức không giới hạn).")]
    public long QueryMemoryBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Rows one query may return (max_result_rows): about what a spreadsheet holds.</summary>
    [Range(1, long.MaxValue, ErrorMessage = "Dashboard:QueryResultRows phải lớn hơn 0.")]
    public long QueryResultRows { get; set; } = 1_000_000;

    /// <summary>Requests one user (or one address before sign-in) may make in a minute, all at once or spread out.</summary>
    [Range(1, 100_000, ErrorMessage = "Dashboard:RequestsPerMinute phải từ 1 đến 100.000.")]
    public int RequestsPerMinute { get; set; } = 240;

    /// <summary>Requests one user may have in progress at once.</summary>
    [Range(1, 1000, ErrorMessage = "Dashboard:ConcurrentRequests phải từ 1 đến 1.000.")]
    public int ConcurrentRequests { get; set; } = 8;

    /// <summary>Exports (the overdue CSV, a report made on demand) one user may start in a minute.</summary>
    [Range(1, 10_000, ErrorMessage = "Dashboard:ExportsPerMinute phải từ 1 đến 10.000.")]
    public int ExportsPerMinute { get; set; } = 10;

    /// <summary>Sign-in attempts one address may make in a minute (every account's own lockout applies as well).</summary>
    [Range(1, 10_000, ErrorMessage = "Dashboard:LoginsPerMinute phải từ 1 đến 10.000.")]
    public int LoginsPerMinute { get; set; } = 60;

    /// <summary>The budget every query of a dashboard or API request runs under.</summary>
    public QueryBudget Budget() => new(TimeSpan.FromSeconds(QueryTimeoutSeconds), QueryMemoryBytes, QueryResultRows);
}

/// <summary>ClickHouse must cut a query before the client stops waiting for it, or the user gets a store failure instead
/// of the budget's answer.</summary>
internal sealed class LimitOptionsValidator(IOptions<ClickHouseOptions> store) : IValidateOptions<LimitOptions>
{
    public ValidateOptionsResult Validate(string? name, LimitOptions options) =>
        options.QueryTimeoutSeconds < store.Value.QueryTimeoutSeconds
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Dashboard:QueryTimeoutSeconds ({options.QueryTimeoutSeconds.ToString(CultureInfo.GetCultureInfo("vi-VN"))}) phải nhỏ hơn ClickHouse:QueryTimeoutSeconds " +
                $"({store.Value.QueryTimeoutSeconds}), thời gian chờ của chính trình kết nối, để ClickHouse dừng truy vấn trước.");
}
