using System.Collections;
using System.CommandLine;
using System.Globalization;
using ClickHouse.Driver;
using Spectre.Console;

namespace ReformMetrics.Cli.Verbs;

/// <summary>
/// `reform sql "<query>"`: runs one statement in the ReformMetrics database and prints a table, or with
/// --format the raw output in any ClickHouse format (CSVWithNames, JSONEachRow, Parquet...). Read-only
/// unless --write is given. With --analyst it runs as the analysts' ClickHouse user, exactly what an analyst may see
/// (the v_* views) within their limits.
/// </summary>
internal static class SqlVerb
{
    private const int MaxTableRows = 1000;

    public static Command Create()
    {
        var query = new Argument<string>("query") { Description = "Một câu lệnh SQL của ClickHouse" };
        var format = new Option<string?>("--format")
        {
            Description = "Xuất nguyên dạng theo định dạng của ClickHouse (ví dụ CSVWithNames, TSV, JSONEachRow, Parquet) thay cho bảng",
            HelpName = "FORMAT",
        };
        var write = new Option<bool>("--write") { Description = "Cho phép câu lệnh ghi hoặc đổi cấu trúc (mặc định chỉ đọc)" };
        var analyst = new Option<bool>("--analyst")
        {
            Description = "Chạy bằng tài khoản ClickHouse của người phân tích: chỉ đọc các view v_*, trong giới hạn thời gian, bộ nhớ và số dòng",
        };
        var command = new Command("sql", "Chạy một câu lệnh SQL trên cơ sở dữ liệu và in kết quả.") { query, format, write, analyst };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var sql = parse.GetRequiredValue(query);
            if (string.IsNullOrWhiteSpace(sql))
            {
                throw new UsageException("Câu lệnh SQL đang trống.");
            }

            var asAnalyst = parse.GetValue(analyst);
            if (asAnalyst && parse.GetValue(write))
            {
                throw new UsageException("--analyst và --write không dùng cùng nhau: tài khoản phân tích chỉ được đọc.");
            }

            await using var cli = await CliHost.StartAsync(parse, cancellationToken);
            var database = cli.Store.Database;
            if (!await cli.Store.DatabaseExistsAsync(cancellationToken))
            {
                ConsoleUi.Info($"Cơ sở dữ liệu {database} chưa được tạo (chạy reform migrate); câu lệnh chạy trong cơ sở dữ liệu default.");
                database = "default";
            }

            var options = new QueryOptions { Database = database, CustomSettings = new Dictionary<string, object>() };
            if (!parse.GetValue(write) && !asAnalyst)
            {
                // readonly=2 forbids writes and DDL but lets the driver send its own per-query settings. The analyst's
                // profile fixes readonly itself and refuses any attempt to set it.
                options.CustomSettings["readonly"] = 2;
            }

            var client = asAnalyst
                ? cli.Store.AnalystClient ?? throw new UsageException(AnalystVerb.NotConfigured)
                : cli.Store.Client;
            if (parse.GetValue(format) is { Length: > 0 } outputFormat)
            {
                options.CustomSettings["default_format"] = outputFormat;
                using var raw = await client.ExecuteRawResultAsync(sql, options, cancellationToken);
                await using var stdout = Console.OpenStandardOutput();
                await using var body = await raw.ReadDecompressedStreamAsync();
                await body.CopyToAsync(stdout, cancellationToken);
                return ReformCommand.Ok;
            }

            using var reader = await client.ExecuteReaderAsync(sql, null, options, cancellationToken);
            if (reader.FieldCount == 0)
            {
                ConsoleUi.Success("Đã thực hiện.");
                return ReformCommand.Ok;
            }

            var table = new Table().Border(TableBorder.Rounded);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                table.AddColumn(new TableColumn(Markup.Escape(reader.GetName(i))));
            }

            long rows = 0;
            while (await reader.ReadAsync(cancellationToken))
            {
                if (++rows > MaxTableRows)
                {
                    continue;
                }

                var cells = new Text[reader.FieldCount];
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    cells[i] = new Text(Format(reader.GetValue(i), reader.GetDataTypeName(i)));
                }

                table.AddRow(cells);
            }

            ConsoleUi.Out.Write(table);
            ConsoleUi.Info(rows > MaxTableRows
                ? $"{rows.ToString("N0", Vietnamese)} dòng; chỉ hiện {MaxTableRows.ToString("N0", Vietnamese)} dòng đầu. Dùng --format CSVWithNames để xuất toàn bộ."
                : $"{rows.ToString("N0", Vietnamese)} dòng.");
            return ReformCommand.Ok;
        });
        return command;
    }

    private static readonly CultureInfo Vietnamese = CultureInfo.GetCultureInfo("vi-VN");

    /// <summary>Values as ClickHouse itself prints them, so they can be pasted back into a query.</summary>
    internal static string Format(object? value, string? clickHouseType = null) => value switch
    {
        null or DBNull => "NULL",
        DateTime date when IsDateOnly(clickHouseType) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime dateTime => dateTime.ToString(
            dateTime.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture),
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        string text => text,
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        IDictionary map => "{" + string.Join(", ", map.Keys.Cast<object>().Select(k => $"{Format(k)}: {Format(map[k])}")) + "}",
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(item => Format(item))) + "]",
        _ => value.ToString() ?? string.Empty,
    };

    private static bool IsDateOnly(string? clickHouseType)
    {
        var type = clickHouseType?.Replace("Nullable(", string.Empty, StringComparison.Ordinal) ?? string.Empty;
        return type.StartsWith("Date", StringComparison.Ordinal) && !type.StartsWith("DateTime", StringComparison.Ordinal);
    }
}
