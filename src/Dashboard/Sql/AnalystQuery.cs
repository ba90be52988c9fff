using System.Globalization;
using System.Text.RegularExpressions;
using ClickHouse.Driver;
using ReformMetrics.Dashboard.Access;
using ReformMetrics.Store;

namespace ReformMetrics.Dashboard.Sql;

/// <summary>No analyst connection is configured (503: the page cannot work until an operator sets one).</summary>
public sealed class AnalystUnavailableException(string message) : Exception(message);

/// <summary>The answer to an analyst's query: column names and at most <see cref="AnalystQuery.MaxRows"/> rows as text.</summary>
public sealed record QueryAnswer(IReadOnlyList<string> Columns, IReadOnlyList<string[]> Rows, bool Truncated);

/// <summary>
/// Runs an analyst's SQL on the SQL page, as the analyst's own ClickHouse user: ClickHouse lets that user read only the
/// documented <c>v_*</c> views (docs/sql-views.md), read-only, within time, memory and result limits it cannot raise
/// (EngineUsers on the embedded engine; SECURITY.md for a server). A check of ClickHouse's own parse tree (EXPLAIN AST)
/// stays in front as a second wall and gives a clear reason: a single SELECT that reads only <c>v_*</c> views (in
/// FROM, JOIN, subqueries and <c>IN table</c>), no table functions, no functions that read files or tables by name
/// (<c>file</c> is not checked against grants by ClickHouse's local mode, which the embedded engine runs), no SETTINGS,
/// FORMAT or INTO OUTFILE, no common table expressions (their names would pass for tables).
/// A province-bound user never gets here: the page is for analysts and administrators, who see every province.
/// </summary>
public sealed partial class AnalystQuery(ClickHouseStore store)
{
    public const int MaxRows = 1000;
    public const int MaxSeconds = 30;

    private static readonly string[] InFunctions = ["in", "notIn", "globalIn", "globalNotIn", "nullIn", "notNullIn", "globalNullIn", "globalNotNullIn"];

    // Functions that read something other than their arguments: files, models, dictionaries, other tables.
    private static readonly string[] RefusedFunctions = ["file", "catboostEvaluate", "hasColumnInTable", "getServerSetting", "getMacro"];
    private static readonly string[] RefusedPrefixes = ["joinGet", "dict"];

    public async Task<QueryAnswer> RunAsync(string sql, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sql);
        sql = sql.Trim().TrimEnd(';').Trim();
        if (sql.Length == 0 || sql.Length > 20_000)
        {
            throw new AccessDeniedException("sql: câu truy vấn trống hoặc dài quá 20.000 ký tự.");
        }

        var client = store.AnalystClient ?? throw new AnalystUnavailableException(
            "Chưa cấu hình tài khoản ClickHouse cho người phân tích (ClickHouse:AnalystConnectionString, xem SECURITY.md).");
        var options = new QueryOptions
        {
            Database = store.Database,
            CustomSettings = new Dictionary<string, object>
            {
                ["max_execution_time"] = MaxSeconds, ["max_result_rows"] = MaxRows + 1, ["result_overflow_mode"] = "break",
            },
        };
        IReadOnlyList<string> ast;
        try
        {
            using var explained = await client.ExecuteReaderAsync("EXPLAIN AST " + sql, null, options, cancellationToken).ConfigureAwait(false);
            var lines = new List<string>();
            while (await explained.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                lines.Add(explained.GetString(0));
            }

            ast = lines;
        }
        catch (ClickHouse.Driver.ClickHouseServerException ex) when (Refusal(ex) is { } refusal)
        {
            throw refusal;
        }
        catch (ClickHouse.Driver.ClickHouseServerException ex)
        {
            throw new Metrics.Query.SelectionException("sql: ClickHouse không hiểu câu truy vấn: " + ex.Message);
        }

        Check(ast, store.Database);
        try
        {
            using var reader = await client.ExecuteReaderAsync(sql, null, options, cancellationToken).ConfigureAwait(false);
            var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
            var rows = new List<string[]>();
            while (rows.Count <= MaxRows && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => Text(reader.GetValue(i))).ToArray());
            }

            var truncated = rows.Count > MaxRows;
            return new QueryAnswer(columns, truncated ? rows.Take(MaxRows).ToList() : rows, truncated);
        }
        catch (ClickHouse.Driver.ClickHouseServerException ex) when (Refusal(ex) is { } refusal)
        {
            throw refusal;
        }
        catch (ClickHouse.Driver.ClickHouseServerException ex)
        {
            throw new Metrics.Query.SelectionException("sql: ClickHouse từ chối câu truy vấn: " + ex.Message);
        }
        catch (Exception ex) when (ex is NotSupportedException or FormatException or InvalidCastException or ArgumentException or InvalidOperationException)
        {
            // A result the driver cannot read (an unusual type): the query's fault, not the server's.
            throw new Metrics.Query.SelectionException("sql: không đọc được kết quả (" + ex.Message + "); hãy đổi kiểu cột, ví dụ bằng toString().");
        }
    }

    // What ClickHouse's access control refused for the analyst user: a 403 like the check's own refusals.
    private static AccessDeniedException? Refusal(ClickHouse.Driver.ClickHouseServerException ex) => ex.ErrorCode switch
    {
        AccessDeniedCode => new AccessDeniedException("sql: ClickHouse không cho tài khoản phân tích đọc: " + ex.Message),
        ReadonlyCode or SettingConstraintCode => new AccessDeniedException("sql: không được đổi thiết lập (SETTINGS) của tài khoản phân tích: " + ex.Message),
        _ => null,
    };

    private const int AccessDeniedCode = 497;
    private const int ReadonlyCode = 164;
    private const int SettingConstraintCode = 452;

    /// <summary>Refuses a parse tree that is not a SELECT over the views only (the reason names what was refused).</summary>
    public static void Check(IReadOnlyList<string> ast, string database)
    {
        ArgumentNullException.ThrowIfNull(ast);
        var nodes = ast.Select(line => (Depth: line.Length - line.TrimStart().Length, Text: line.Trim())).ToList();
        if (nodes.Count == 0 || !nodes[0].Text.StartsWith("SelectWithUnionQuery", StringComparison.Ordinal))
        {
            throw new AccessDeniedException("sql: chỉ được chạy một câu SELECT.");
        }

        for (var i = 0; i < nodes.Count; i++)
        {
            var (depth, text) = nodes[i];
            if (depth == 1 && !text.StartsWith("ExpressionList", StringComparison.Ordinal))
            {
                // The statement's own clauses beside its SELECTs: FORMAT (an identifier), INTO OUTFILE (a literal), SETTINGS.
                throw text.StartsWith("Identifier ", StringComparison.Ordinal)
                    ? new Metrics.Query.SelectionException("sql: không dùng FORMAT trên trang này (kết quả luôn hiện thành bảng); để xuất CSV hay Parquet, dùng reform sql --analyst --format.")
                    : new AccessDeniedException("sql: chỉ được chạy một câu SELECT, không có INTO OUTFILE hay SETTINGS.");
            }

            if (text.StartsWith("TableIdentifier ", StringComparison.Ordinal))
            {
                CheckTable(TableName(text), database);
            }
            else if (text.StartsWith("TableExpression", StringComparison.Ordinal) && i + 1 < nodes.Count && nodes[i + 1].Depth > depth
                     && nodes[i + 1].Text.StartsWith("Function ", StringComparison.Ordinal))
            {
                throw new AccessDeniedException($"sql: không được dùng hàm bảng {Name(nodes[i + 1].Text, "Function ")}(); chỉ đọc các view v_*.");
            }
            else if (text.StartsWith("Function ", StringComparison.Ordinal))
            {
                var function = Name(text, "Function ");
                if (RefusedFunctions.Contains(function, StringComparer.OrdinalIgnoreCase)
                    || RefusedPrefixes.Any(p => function.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
                {
                    throw new AccessDeniedException($"sql: không được dùng hàm {function}().");
                }

                if (InFunctions.Contains(function) && SecondArgument(nodes, i) is { } argument && argument.StartsWith("Identifier ", StringComparison.Ordinal))
                {
                    CheckTable(Name(argument, "Identifier "), database);
                }
            }
            else if (text == "Set" || text.StartsWith("Set (", StringComparison.Ordinal))
            {
                throw new AccessDeniedException("sql: không được đổi thiết lập (SETTINGS) trong câu truy vấn.");
            }
            else if (text.StartsWith("WithElement", StringComparison.Ordinal))
            {
                // A CTE's name would be read as a table the check cannot tell from a real one.
                throw new AccessDeniedException("sql: không dùng WITH ... AS (SELECT ...); hãy viết truy vấn con trong FROM.");
            }
        }
    }

    private static void CheckTable(string name, string database)
    {
        var table = name.StartsWith(database + ".", StringComparison.Ordinal) ? name[(database.Length + 1)..] : name;
        if (!ViewName().IsMatch(table))
        {
            throw new AccessDeniedException($"sql: chỉ được đọc các view v_* của cơ sở dữ liệu {database}, không đọc \"{name}\".");
        }
    }

    // "TableIdentifier db.name" or "TableIdentifier name (alias a)". A quoted name may hold anything, " (" included, so
    // anything but a plain identifier is refused rather than cut where it looks like an alias begins.
    private static string TableName(string text)
    {
        var match = TableIdentifierLine().Match(text);
        return match.Success ? match.Groups["name"].Value
            : throw new AccessDeniedException($"sql: tên bảng \"{text["TableIdentifier ".Length..]}\" không phải tên của một view v_*.");
    }

    // The second child of the function's argument list, if it is a direct one.
    private static string? SecondArgument(List<(int Depth, string Text)> nodes, int function)
    {
        var list = function + 1;
        if (list >= nodes.Count || !nodes[list].Text.StartsWith("ExpressionList", StringComparison.Ordinal))
        {
            return null;
        }

        var childDepth = nodes[list].Depth + 1;
        var children = nodes.Skip(list + 1).TakeWhile(n => n.Depth >= childDepth).Where(n => n.Depth == childDepth).ToList();
        return children.Count >= 2 ? children[1].Text : null;
    }

    private static string Name(string text, string prefix)
    {
        var rest = text[prefix.Length..];
        var end = rest.IndexOf(" (", StringComparison.Ordinal);
        return end < 0 ? rest.Trim() : rest[..end].Trim();
    }

    private static string Text(object? value) => value switch
    {
        null or DBNull => "NULL",
        double d => d.ToString("0.####", CultureInfo.GetCultureInfo("vi-VN")),
        float f => f.ToString("0.####", CultureInfo.GetCultureInfo("vi-VN")),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        System.Collections.IEnumerable e and not string => "[" + string.Join(", ", e.Cast<object?>().Select(Text)) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    [GeneratedRegex("^v_[a-z0-9_]+$")]
    private static partial Regex ViewName();

    [GeneratedRegex(@"^TableIdentifier (?<name>[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)?)( \(alias [A-Za-z0-9_]+\))?$")]
    private static partial Regex TableIdentifierLine();
}
