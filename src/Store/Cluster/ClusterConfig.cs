using System.Security.Cryptography;
using System.Xml.Linq;
using ReformMetrics.Store.Embedded;
using ReformMetrics.Store.Sharding;

namespace ReformMetrics.Store.Cluster;

/// <summary>
/// The configuration every node of a local cluster adds to its own (reform-engine's --cluster-config): the cluster
/// <see cref="LocalCluster.Name"/> in <c>remote_servers</c>, the node's <c>macros</c>, ZooKeeper when there are replicas.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Nodes authenticate to each other as <see cref="InterServerUser"/>, whose password is the cluster's secret, not with
/// remote_servers' <c>&lt;secret&gt;</c>. With the secret a distributed query runs on the other shards as the user who sent
/// it; a <c>SQL SECURITY DEFINER</c> view over a Distributed table then runs its remote parts as the analyst instead of the
/// view's definer and is refused (ClickHouse issue 88009, open), so the analysts' views could not be read on a cluster.
/// The inter-server user may only read and insert the shard database's tables; only ReformMetrics' service user has the
/// <c>REMOTE</c> right that <c>cluster()</c> and <c>remote()</c> need, and the analyst keeps SELECT on the views alone.</item>
/// <item><c>internal_replication</c> is false: a Distributed table writes each row to every replica of its shard. The embedded
/// engine cannot replicate by itself: ReplicatedMergeTree tables stay read-only because clickhouse-local serves no
/// interserver HTTP endpoint ("Parameter 'interserver_http(s)_port' required for replication is not specified"), whatever
/// the configuration says. With internal replication the replicas of a shard would silently hold different rows.</item>
/// <item>clickhouse-local sizes the pool that sends Distributed inserts in the background to 0 threads: without
/// <c>background_distributed_schedule_pool_size</c> an insert without <c>distributed_foreground_insert</c> would wait in
/// the queue for ever.</item>
/// <item>Nodes keep pooled native connections to each other. A node that stops waits for the connections it serves to
/// close, 5 s at most, and then ends itself without shutting its tables down; an idle connection notices the stop only at its
/// next <c>poll_interval</c> (10 s by default). At 1 s every connection closes within the wait and every node stops cleanly.
/// The setting goes to the profile of ReformMetrics' users (the default one); the analyst's limits stay as they are.</item>
/// </list>
/// </remarks>
internal static class ClusterConfig
{
    /// <summary>The user a node runs the other nodes' parts of distributed queries and inserts as.</summary>
    public const string InterServerUser = "reform_interserver";

    public static XDocument For(ClusterNode node, IReadOnlyList<ClusterNode> nodes, string secret, string database, int? zooKeeperPort)
    {
        var shards = nodes.GroupBy(n => n.Shard).OrderBy(g => g.Key).Select(shard => new XElement("shard",
            new XElement("internal_replication", "false"),
            shard.OrderBy(n => n.Replica).Select(n => new XElement("replica",
                new XElement("host", "127.0.0.1"), new XElement("port", n.TcpPort), new XElement("user", InterServerUser), new XElement("password", secret)))));
        var root = new XElement("clickhouse",
            new XElement("remote_servers", new XElement(LocalCluster.Name, shards)),
            new XElement("users", new XElement(InterServerUser,
                new XElement("password_sha256_hex", EngineUsers.Sha256(secret)),
                new XElement("networks", new XElement("ip", "::1"), new XElement("ip", "127.0.0.1")),
                new XElement("profile", "default"),
                new XElement("quota", "default"),
                new XElement("grants", new XElement("query", $"GRANT SELECT, INSERT ON {ShardedSchema.ShardDatabase(database)}.*")))),
            new XElement("macros",
                new XElement("cluster", LocalCluster.Name),
                new XElement("shard", node.Shard),
                new XElement("replica", node.Name)),
            new XElement("background_distributed_schedule_pool_size", 4),
            new XElement("profiles", new XElement("default", new XElement("poll_interval", 1))));
        if (zooKeeperPort is { } port)
        {
            root.Add(new XElement("zookeeper", new XElement("node", new XElement("host", "127.0.0.1"), new XElement("port", port))));
        }

        return new XDocument(root);
    }

    public static void Write(XDocument config, string path)
    {
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        using (var stream = new FileStream(temp, new FileStreamOptions
               {
                   Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
               }))
        {
            config.Save(stream);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The cluster's inter-server secret, made once (owner-only) and kept across restarts.</summary>
    public static string LoadOrCreateSecret(ClusterLayout layout)
    {
        if (File.Exists(layout.InterServerSecretFile) && File.ReadAllText(layout.InterServerSecretFile).Trim() is { Length: > 0 } existing)
        {
            return existing;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(layout.InterServerSecretFile)!, ClusterLayout.OwnerOnly);
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        using (var stream = new FileStream(layout.InterServerSecretFile, new FileStreamOptions
               {
                   Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
               }))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(secret);
        }

        return secret;
    }
}
