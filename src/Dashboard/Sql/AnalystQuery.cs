using System.Globalization;
using System.Text.RegularExpressions;
using ClickHouse.Driver;
using Dapper;
using ReformMetrics.Dashboard.Access;
using ReformMetrics.Store;

namespace ReformMetrics.Dashboard.Sql;

/// <summary>The answer to an analyst's query: column names and at most <see cref="AnalystQuery.MaxRows"/> rows as text.</summary>
public sealed record QueryAnswer(IReadOnlyList<string> Columns, IReadOnlyList<string[]> Rows, bool Truncated);

/// <summary>
/// Runs an analyst's SQL on the SQL page. The documented views are the analysts' interface (docs/sql-views.md), and the
/// embedded engine has no users or roles to enforce it, so the statement is checked on ClickHouse's own parse tree
/// (EXPLAIN AST) before it runs: a single SELECT that reads only <c>v_*</c> views (in FROM, JOIN, subqueries and
/// <c>IN table</c>), no table functions (file, url, remote, ...), no functions that read tables by name, no SETTINGS,
/// no common table expressions (their names would pass for tables).
/// It then runs read-only (readonly=2), with a time limit and a row limit. A province-bound user never gets here: the
/// page is for analysts and administrators, who see every province.
/// </summary>
public sealed partial class AnalystQuery(ClickHouseStore store)
{
    public const int MaxRows = 1000;
    public const int MaxSeconds = 30;

    private static readonly string[] InFunctions = ["in", "notIn", "globalIn", "globalNotIn", "nullIn", "notNullIn", "globalNullIn", "globalNotNullIn"];

    public async Task<QueryAnswer> RunAsync(string sql, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sql);
        sql = sql.Trim().TrimEnd(';').Trim();
        if (sql.Length == 0 || sql.Length > 20_000)
        {
            throw new AccessDeniedException("sql: câu truy vấn trống hoặc dài quá 20.000 ký tự.");
        }

        await using var connection = store.CreateConnection();
        IReadOnlyList<string> ast;
        try
        {
            ast = (await connection.QueryAsync<string>(new CommandDefinition("EXPLAIN AST " + sql, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        }
        catch (ClickHouse.Driver.ClickHouseServerException ex)
        {
            throw new Metrics.Query.SelectionException("sql: ClickHouse không hiểu câu truy vấn: " + ex.Message);
        }

        Check(ast, store.Database);
        var options = new QueryOptions
        {
            Database = store.Database,
            CustomSettings = new Dictionary<string, object>
            {
                ["readonly"] = 2, ["max_execution_time"] = MaxSeconds, ["max_result_rows"] = MaxRows + 1, ["result_overflow_mode"] = "break",
            },
        };
        try
        {
            using var reader = await store.Client.ExecuteReaderAsync(sql, null, options, cancellationToken).ConfigureAwait(false);
            var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
            var rows = new List<string[]>();
            while (rows.Count <= MaxRows && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => Text(reader.GetValue(i))).ToArray());
            }

            var truncated = rows.Count > MaxRows;
            return new QueryAnswer(columns, truncated ? rows.Take(MaxRows).ToList() : rows, truncated);
        }
        catch (ClickHouse.Driver.ClickHouseServerException ex)
        {
            throw new Metrics.Query.SelectionException("sql: ClickHouse từ chối câu truy vấn: " + ex.Message);
        }
    }

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
            if (text.StartsWith("TableIdentifier ", StringComparison.Ordinal))
            {
                CheckTable(Name(text, "TableIdentifier "), database);
            }
            else if (text.StartsWith("TableExpression", StringComparison.Ordinal) && i + 1 < nodes.Count && nodes[i + 1].Depth > depth
                     && nodes[i + 1].Text.StartsWith("Function ", StringComparison.Ordinal))
            {
                throw new AccessDeniedException($"sql: không được dùng hàm bảng {Name(nodes[i + 1].Text, "Function ")}(); chỉ đọc các view v_*.");
            }
            else if (text.StartsWith("Function ", StringComparison.Ordinal))
            {
                var function = Name(text, "Function ");
                if (function.StartsWith("joinGet", StringComparison.OrdinalIgnoreCase) || function.StartsWith("dict", StringComparison.OrdinalIgnoreCase)
                    || function.Equals("hasColumnInTable", StringComparison.OrdinalIgnoreCase))
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
}
