using System.Text;

namespace ReformMetrics.Store.Migrations;

/// <summary>
/// Turns a migration file into the statements to send, one per request (ClickHouse's HTTP interface takes
/// one statement at a time), for a single node or for a cluster.
/// </summary>
/// <remarks>
/// Macros: <c>{on_cluster}</c> renders as nothing (a sharded store's statements are sent to every node: see
/// <see cref="Sharding.ShardedSchema"/>); <c>{replicated}</c> before an engine renders as nothing, or, on a cluster whose
/// shards have several replicas, as <c>Replicated</c> with an explicit path of the shard, database and table; <c>{cluster}</c> and
/// <c>{database}</c> give the names, for Distributed tables. A statement whose first line is
/// <c>-- cluster-only</c> or <c>-- single-node-only</c> runs only on that topology, and one whose first line
/// is <c>-- access-control</c> (roles, grants) runs only where the server keeps users and roles in storage
/// that SQL can write: the embedded engine has none and gets its analyst user from its configuration. A statement whose first line is <c>-- seed: name.csv</c> is sent with the file
/// sql/seed/name.csv as its body (an <c>INSERT ... FORMAT CSVWithNames</c>). ClickHouse's own macros
/// (<c>{shard}</c>, <c>{replica}</c>, <c>{uuid}</c>) and query parameters pass through untouched.
/// </remarks>
public static partial class SqlScript
{
    public const string ClusterOnly = "-- cluster-only";
    public const string SingleNodeOnly = "-- single-node-only";
    public const string AccessControl = "-- access-control";
    private const string SeedMarker = "-- seed:";

    /// <summary>Splits on semicolons outside quotes and comments; drops chunks that hold only comments.</summary>
    public static IReadOnlyList<string> Split(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        var statements = new List<string>();
        var current = new StringBuilder();
        var hasCode = false;
        var i = 0;
        while (i < script.Length)
        {
            var c = script[i];
            var next = i + 1 < script.Length ? script[i + 1] : '\0';
            if (c == '-' && next == '-')
            {
                var end = script.IndexOf('\n', i);
                end = end < 0 ? script.Length : end;
                current.Append(script, i, end - i);
                i = end;
                continue;
            }

            if (c == '/' && next == '*')
            {
                var end = script.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw new MigrationException("Chú thích /* ... */ không được đóng.");
                }

                current.Append(script, i, end + 2 - i);
                i = end + 2;
                continue;
            }

            if (c is '\'' or '"' or '`')
            {
                var end = ClosingQuote(script, i);
                current.Append(script, i, end + 1 - i);
                hasCode = true;
                i = end + 1;
                continue;
            }

            if (c == ';')
            {
                Flush();
                i++;
                continue;
            }

            hasCode |= !char.IsWhiteSpace(c);
            current.Append(c);
            i++;
        }

        Flush();
        return statements;

        void Flush()
        {
            if (hasCode)
            {
                statements.Add(current.ToString().Trim());
            }

            current.Clear();
            hasCode = false;
        }
    }

    /// <summary>The seed file a statement loads (its first line is <c>-- seed: name.csv</c>), or null.</summary>
    public static string? SeedOf(string statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var firstLine = statement.Split('\n', 2)[0].Trim();
        return firstLine.StartsWith(SeedMarker, StringComparison.Ordinal) ? firstLine[SeedMarker.Length..].Trim() : null;
    }

    /// <summary>The statement as it runs on this topology, or null when it does not run there. On a cluster the statement is
    /// sent to the nodes by the caller (<see cref="Sharding.ShardedSchema"/>), so it carries no <c>ON CLUSTER</c>, and its
    /// engines are those of one node (shards of one replica each).</summary>
    public static string? Render(string statement, string database, string? cluster, bool accessControl = true, bool replicated = false)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var firstLine = statement.Split('\n', 2)[0].Trim();
        var onCluster = !string.IsNullOrEmpty(cluster);
        if ((firstLine == ClusterOnly && !onCluster) || (firstLine == SingleNodeOnly && onCluster) || (firstLine == AccessControl && !accessControl))
        {
            return null;
        }

        if (!onCluster && statement.Contains("{cluster}", StringComparison.Ordinal))
        {
            throw new MigrationException(
                $"Câu lệnh dùng {{cluster}} nhưng không có cụm nào được cấu hình; hãy đánh dấu nó \"{ClusterOnly}\".");
        }

        if (onCluster && replicated)
        {
            statement = Replicated(statement, database);
        }

        return statement
            .Replace("{on_cluster}", string.Empty, StringComparison.Ordinal)
            .Replace("{replicated}", string.Empty, StringComparison.Ordinal)
            .Replace("{cluster}", cluster ?? string.Empty, StringComparison.Ordinal)
            .Replace("{database}", database, StringComparison.Ordinal);
    }

    /// <summary>The replicated engine of a table of a cluster whose shards have several replicas: its replicas share a
    /// path of their shard (<c>{shard}</c>, <c>{replica}</c>: the servers' macros) named after the database and table, given
    /// explicitly because each node gets the statement on its own (the default path holds the table's UUID, which only
    /// distributed DDL makes equal on every node).</summary>
    private static string Replicated(string statement, string database)
    {
        if (!statement.Contains("{replicated}", StringComparison.Ordinal))
        {
            return statement;
        }

        var table = CreatedTable().Match(statement);
        if (!table.Success)
        {
            throw new MigrationException("{replicated} chỉ dùng trong câu lệnh CREATE TABLE.");
        }

        var path = $"'/clickhouse/tables/{{shard}}/{database}/{table.Groups["name"].Value}', '{{replica}}'";
        return ReplicatedEngine().Replace(statement, m =>
            $"Replicated{m.Groups["engine"].Value}({path}{(m.Groups["args"].Success && m.Groups["args"].Value.Trim().Length > 0 ? ", " + m.Groups["args"].Value : string.Empty)})");
    }

    /// <summary>A <c>CREATE TABLE</c> and the table's name (group <c>name</c>), whatever database qualifies it.</summary>
    internal const string CreateTablePattern = @"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:\w+\.)?(?<name>\w+)";

    [System.Text.RegularExpressions.GeneratedRegex(CreateTablePattern, System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex CreatedTable();

    [System.Text.RegularExpressions.GeneratedRegex(@"\{replicated\}(?<engine>\w*MergeTree)(?:\((?<args>[^)]*)\))?")]
    private static partial System.Text.RegularExpressions.Regex ReplicatedEngine();

    private static int ClosingQuote(string script, int start)
    {
        var quote = script[start];
        for (var i = start + 1; i < script.Length; i++)
        {
            if (script[i] == '\\')
            {
                i++;
                continue;
            }

            if (script[i] == quote)
            {
                // A doubled quote is an escaped quote inside the literal.
                if (i + 1 < script.Length && script[i + 1] == quote)
                {
                    i++;
                    continue;
                }

                return i;
            }
        }

        throw new MigrationException($"Chuỗi mở bằng {quote} ở vị trí {start} không được đóng.");
    }
}
