using System.Text.RegularExpressions;
using ReformMetrics.Store.Migrations;

namespace ReformMetrics.Store.Sharding;

/// <summary>
/// How the migrations build a sharded store (ClickHouse:Cluster) from the same files as a single node: every node holds
/// two databases. The shard database (<see cref="ShardDatabase"/>) is a complete single-node schema holding that shard's
/// dossiers: its events, their state and pre-aggregates, which the refresh keeps on the shard itself with the same code as
/// on one node. The service database (the configured one) is what everything else reads: the same schema, except that the
/// tables of <see cref="Tables"/> are <c>Distributed</c> tables over the shard database's, so its views and every query
/// see all shards at once; events are written through it, sharded by dossier.
/// </summary>
/// <remarks>
/// ClickHouse's distributed DDL (<c>ON CLUSTER</c>) needs a coordination service and is not available in the embedded
/// engine, so a sharded store's statements are sent to every node by the migration runner itself (DDL), or to one node of
/// every shard (inserts: reference data must be on every shard, where the refresh and the shards' part of a query read it).
/// </remarks>
public static partial class ShardedSchema
{
    /// <summary>The tables whose rows belong to one shard, with the sharding key of those written through the service
    /// database (null: written by the refresh on each shard only, never through a Distributed table).</summary>
    public static readonly IReadOnlyDictionary<string, string?> Tables = new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        // Every event of a dossier on one shard: the shard computes the dossier's state from its own events.
        ["events"] = "cityHash64(dossier_id)",
        ["dossier_state"] = null, // a table until 0011, a view over dossier_state_rows since
        ["dossier_state_build"] = null,
        ["dossier_state_rows"] = null,
        ["dossier_state_delta"] = null,
        ["refresh_stale"] = null,
        ["refresh_runs"] = null,
        ["refresh_watermark"] = null,
        ["kpi_daily"] = null,
        ["kpi_daily_build"] = null,
        ["kpi_monthly"] = null,
        ["kpi_monthly_build"] = null,
        ["rollup_deltas"] = null,
    };

    /// <summary>The database of a node's own shard.</summary>
    public static string ShardDatabase(string database) => database + "_shard";

    /// <summary>The statements a migration statement becomes on a sharded store, in the order they must run;
    /// <paramref name="replicated"/> when the shards have several replicas (replicated engines).</summary>
    public static IReadOnlyList<PlannedStatement> Plan(string statement, string database, string cluster, bool accessControl, bool replicated = false)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var shard = ShardDatabase(database);
        var planned = new List<PlannedStatement>();
        // The shard database first: a Distributed table of the service database is made after the table it reads.
        if (!statement.Split('\n', 2)[0].Trim().Equals(SqlScript.AccessControl, StringComparison.Ordinal)
            && SqlScript.Render(statement, shard, cluster, accessControl, replicated) is { } local)
        {
            planned.Add(new PlannedStatement(shard, local, Where(local)));
        }

        if (SqlScript.Render(statement, database, cluster, accessControl, replicated) is { } service)
        {
            if (Service(service, database, shard, cluster) is { } rewritten)
            {
                planned.Add(new PlannedStatement(database, rewritten, Where(rewritten)));
            }
        }

        return planned;
    }

    /// <summary>The service database's form of a statement: a sharded table's creation becomes a Distributed table over the
    /// shard database's; what only concerns the stored rows of a sharded table (its projections, settings, truncation)
    /// is left to the shard database; everything else is the same.</summary>
    private static string? Service(string sql, string database, string shard, string cluster)
    {
        var code = CodeOf(sql);
        if (CreateTable().Match(code) is { Success: true } create && Tables.TryGetValue(create.Groups["name"].Value, out var key))
        {
            var name = create.Groups["name"].Value;
            var sharding = key is null ? string.Empty : $", {key}";
            return $"CREATE TABLE IF NOT EXISTS {database}.{name} AS {shard}.{name} ENGINE = Distributed({cluster}, {shard}, {name}{sharding})";
        }

        if (AlterTable().Match(code) is { Success: true } alter && Tables.ContainsKey(alter.Groups["name"].Value))
        {
            // A Distributed table follows the columns of the table it reads; its parts-level settings do not exist.
            return ColumnChange().IsMatch(code) ? sql : null;
        }

        if (TruncateTable().Match(code) is { Success: true } truncate && Tables.ContainsKey(truncate.Groups["name"].Value))
        {
            return null;
        }

        if (InsertInto().Match(code) is { Success: true } insert && Tables.ContainsKey(insert.Groups["name"].Value))
        {
            throw new MigrationException(
                $"Migration ghi vào bảng phân mảnh {insert.Groups["name"].Value}: trên cụm, dữ liệu của bảng này do từng mảnh tự tính, không ghi qua migration.");
        }

        return sql;
    }

    /// <summary>Inserts run on one node of every shard; everything else on every node.</summary>
    private static StatementTarget Where(string sql) =>
        InsertInto().IsMatch(CodeOf(sql)) ? StatementTarget.EveryShard : StatementTarget.EveryNode;

    /// <summary>The statement without its leading comment lines.</summary>
    private static string CodeOf(string sql) =>
        string.Join('\n', sql.Split('\n').SkipWhile(line => line.TrimStart().StartsWith("--", StringComparison.Ordinal) || line.Trim().Length == 0));

    [GeneratedRegex(@"^\s*" + SqlScript.CreateTablePattern, RegexOptions.IgnoreCase)]
    private static partial Regex CreateTable();

    [GeneratedRegex(@"^\s*ALTER\s+TABLE\s+(?:\w+\.)?(?<name>\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex AlterTable();

    [GeneratedRegex(@"\b(?:ADD|DROP|MODIFY|RENAME|CLEAR|COMMENT)\s+COLUMN\b", RegexOptions.IgnoreCase)]
    private static partial Regex ColumnChange();

    [GeneratedRegex(@"^\s*TRUNCATE\s+(?:TABLE\s+)?(?:IF\s+EXISTS\s+)?(?:\w+\.)?(?<name>\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex TruncateTable();

    [GeneratedRegex(@"^\s*INSERT\s+INTO\s+(?:TABLE\s+)?(?:\w+\.)?(?<name>\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex InsertInto();
}

/// <summary>Where a statement of a sharded store runs.</summary>
public enum StatementTarget
{
    /// <summary>Schema: on every node of the cluster.</summary>
    EveryNode,

    /// <summary>Rows: on one node of every shard, or on every node when replicas do not replicate by their tables
    /// (<see cref="ClusterMembers.RowHolders"/>).</summary>
    EveryShard,
}

/// <summary>One statement of a sharded store's migration: the database it runs in, its text and where it runs.</summary>
public sealed record PlannedStatement(string Database, string Sql, StatementTarget Target);
