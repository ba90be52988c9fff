using System.Globalization;
using ReformMetrics.Store.Embedded;

namespace ReformMetrics.Store.Cluster;

/// <summary>Where a local cluster (<c>reform cluster up</c>) keeps its files: one embedded store per node, ZooKeeper's data,
/// the passwords every node shares and the record of what runs.</summary>
public sealed record ClusterLayout(string Root)
{
    /// <summary>Beside the embedded store's default <c>./.reform-data</c>.</summary>
    public const string DefaultDirectory = ".reform-cluster";

    public static ClusterLayout For(string? directory) => new(Path.GetFullPath(string.IsNullOrWhiteSpace(directory) ? DefaultDirectory : directory));

    /// <summary>What <c>up</c> started (ClusterState): nodes, ports, pids, ZooKeeper.</summary>
    public string StateFile => Path.Combine(Root, "cluster.json");

    /// <summary>Serialises up, down and status on one directory.</summary>
    public string LockFile => Path.Combine(Root, "cluster.lock");

    /// <summary>The passwords of the engine users, one set for every node (so one connection string works on any node); the
    /// layout of an embedded store's secrets, at the cluster's root.</summary>
    public StoreLayout Secrets => StoreLayout.For(Root);

    /// <summary>The secret nodes present to each other for distributed queries (remote_servers' &lt;secret&gt;).</summary>
    public string InterServerSecretFile => Path.Combine(Secrets.SecretsDirectory, "inter-server-secret");

    public string NodesDirectory => Path.Combine(Root, "nodes");

    public string ZooKeeperDirectory => Path.Combine(Root, "zookeeper");

    public static string NodeName(int shard, int replica) => string.Create(CultureInfo.InvariantCulture, $"s{shard}-r{replica}");

    /// <summary>A node's embedded store: data, run files, log, a copy of the shared secrets.</summary>
    public StoreLayout Node(string name) => StoreLayout.For(Path.Combine(NodesDirectory, name));

    /// <summary>True when the directory holds a cluster (what <c>down --purge</c> may delete, and nothing else).</summary>
    public bool LooksLikeCluster => File.Exists(StateFile) || Directory.Exists(NodesDirectory);

    public void EnsureCreated()
    {
        Directory.CreateDirectory(Root, OwnerOnly);
        Directory.CreateDirectory(NodesDirectory, OwnerOnly);
    }

    internal const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
}
