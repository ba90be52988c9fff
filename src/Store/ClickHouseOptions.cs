using System.ComponentModel.DataAnnotations;
using System.Data.Common;

namespace ReformMetrics.Store;

/// <summary>Where ReformMetrics keeps its data: a ClickHouse server, or the embedded engine on a local directory.</summary>
public sealed class ClickHouseOptions
{
    public const string SectionName = "ClickHouse";

    /// <summary>
    /// A ClickHouse.Driver connection string (<c>Host=...;Port=8123;Username=...;Password=...</c>). When set,
    /// the server is used and no embedded engine starts. From <c>--clickhouse</c> or <c>REFORM_CLICKHOUSE</c>. It may also
    /// name the cluster (<c>...;Cluster=reform_cluster</c>, as <c>reform cluster up</c> prints it): <see cref="TakeClusterKey"/>
    /// moves that key to <see cref="Cluster"/> before the driver sees the string.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The analysts' connection (a ClickHouse user that may only read the documented <c>v_*</c> views, read-only, with
    /// limits: see SECURITY.md), used by the SQL page and <c>reform sql --analyst</c> against a server. The embedded
    /// engine makes its own analyst user, so this is only needed with a connection string. From
    /// <c>REFORM_CLICKHOUSE_ANALYST</c> too.
    /// </summary>
    public string? AnalystConnectionString { get; set; }

    /// <summary>The short environment name of <see cref="AnalystConnectionString"/>.</summary>
    public const string AnalystEnvironmentVariable = "REFORM_CLICKHOUSE_ANALYST";

    /// <summary>Data directory of the embedded engine (<c>--store</c>), used when no connection string is set.</summary>
    [Required]
    public string StoreDirectory { get; set; } = ".reform-data";

    /// <summary>The database holding ReformMetrics' tables and views.</summary>
    [Required]
    [RegularExpression(Identifier, ErrorMessage = "ClickHouse:Database must be a plain identifier (letters, digits, _).")]
    public string Database { get; set; } = "reform";

    /// <summary>
    /// A cluster from the servers' <c>remote_servers</c>. When set, migrations run <c>ON CLUSTER</c> and create
    /// replicated tables (see sql/README.md). Only meaningful with a connection string.
    /// </summary>
    [RegularExpression(Identifier, ErrorMessage = "ClickHouse:Cluster must be a plain identifier (letters, digits, _).")]
    public string? Cluster { get; set; }

    /// <summary>How long one query may run before the client gives up, in seconds (the driver's default is a few
    /// minutes; computing indicators from the raw events of a large store takes longer).</summary>
    [Range(1, 86_400)]
    public int QueryTimeoutSeconds { get; set; } = 1800;

    /// <summary>The embedded engine's HTTP port on 127.0.0.1; 0 (the default) takes a free port at each start. A fixed port
    /// lets an analyst's client keep its connection settings (reform analyst).</summary>
    [Range(0, 65_535)]
    public int EngineHttpPort { get; set; }

    /// <summary>Where the embedded engine library is cached; default $XDG_CACHE_HOME/reform-metrics/engine.</summary>
    public string? EngineCacheDirectory { get; set; }

    public bool IsEmbedded => string.IsNullOrWhiteSpace(ConnectionString);

    /// <summary>The connection string key that names the cluster (not a key of the driver's).</summary>
    public const string ClusterKey = "Cluster";

    /// <summary>The cluster the connection string named, when <see cref="Cluster"/> was also set to another name (a
    /// validation failure: which one was meant cannot be guessed).</summary>
    internal string? ConflictingCluster { get; private set; }

    /// <summary>Moves a <c>Cluster=</c> key of the connection string to <see cref="Cluster"/> (registered as a post-configure
    /// step of the options, so every verb taking <c>--clickhouse</c> understands it).</summary>
    public void TakeClusterKey()
    {
        if (IsEmbedded)
        {
            return;
        }

        var parsed = new DbConnectionStringBuilder();
        try
        {
            parsed.ConnectionString = ConnectionString;
        }
        catch (ArgumentException)
        {
            return; // The validator says the string cannot be read.
        }

        if (!parsed.TryGetValue(ClusterKey, out var value))
        {
            return;
        }

        parsed.Remove(ClusterKey);
        ConnectionString = parsed.ConnectionString;
        var named = value as string;
        if (string.IsNullOrEmpty(Cluster) || Cluster == named)
        {
            Cluster = named;
        }
        else
        {
            ConflictingCluster = named;
        }
    }

    private const string Identifier = "^[A-Za-z_][A-Za-z0-9_]*$";
}
