using System.Text;

namespace ReformMetrics.Store.Migrations;

/// <summary>
/// Turns a migration file into the statements to send, one per request (ClickHouse's HTTP interface takes
/// one statement at a time), for a single node or for a cluster.
/// </summary>
/// <remarks>
/// Macros: <c>{on_cluster}</c> and <c>{replicated}</c> mark where a replicated cluster's DDL and engines will differ; they
/// render as nothing today (a sharded store's statements go to every node, its shards have one replica each: see
/// <see cref="Sharding.ShardedSchema"/>); <c>{cluster}</c> and
/// <c>{database}</c> give the names, for Distributed tables. A statement whose first line is
/// <c>-- cluster-only</c> or <c>-- single-node-only</c> runs only on that topology, and one whose first line
/// is <c>-- access-control</c> (roles, grants) runs only where the server keeps users and roles in storage
/// that SQL can write: the embedded engine has none and gets its analyst user from its configuration. A statement whose first line is <c>-- seed: name.csv</c> is sent with the file
/// sql/seed/name.csv as its body (an <c>INSERT ... FORMAT CSVWithNames</c>). ClickHouse's own macros
/// (<c>{shard}</c>, <c>{replica}</c>, <c>{uuid}</c>) and query parameters pass through untouched.
/// </remarks>
public static class SqlScript
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
    public static string? Render(string statement, string database, string? cluster, bool accessControl = true)
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

        return statement
            .Replace("{on_cluster}", string.Empty, StringComparison.Ordinal)
            .Replace("{replicated}", string.Empty, StringComparison.Ordinal)
            .Replace("{cluster}", cluster ?? string.Empty, StringComparison.Ordinal)
            .Replace("{database}", database, StringComparison.Ordinal);
    }

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
