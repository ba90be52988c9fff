using System.Text.Json;
using System.Text.Json.Serialization;
using ReformMetrics.Store.Embedded;

namespace ReformMetrics.Store.Cluster;

/// <summary>What <c>reform cluster up</c> started, kept in <c>cluster.json</c> (owner-only) for <c>down</c> and <c>status</c>.
/// Pids come with their kernel start time, so a pid reused by another process is never signalled.</summary>
public sealed record ClusterState(
    int Shards, int Replicas, string Database, IReadOnlyList<ClusterNode> Nodes, ZooKeeperState? ZooKeeper, string UsersFile, DateTimeOffset StartedAt)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The node the printed connection string names (shard 1, replica 1); any node would do.</summary>
    [JsonIgnore]
    public ClusterNode Entry => Nodes[0];

    public static ClusterState? Read(string path) => StateFile.Read<ClusterState>(path);

    public void Write(string path) => StateFile.Write(path, this, Indented);
}

/// <summary>One engine of the cluster. <paramref name="Pid"/> is 0 until it has started.</summary>
public sealed record ClusterNode(int Shard, int Replica, string Name, string Directory, int HttpPort, int TcpPort, int Pid = 0, string? StartTime = null)
{
    [JsonIgnore]
    public StoreLayout Layout => StoreLayout.For(Directory);

    /// <summary>The engine process still runs: it holds its data directory's lock (the kernel drops it when the process dies).</summary>
    [JsonIgnore]
    public bool IsRunning => !FileLock.IsFree(Layout.EngineLock);
}

/// <summary>The private ZooKeeper of a cluster with replicas.</summary>
public sealed record ZooKeeperState(int Pid, string? StartTime, int Port, string Directory)
{
    [JsonIgnore]
    public bool IsRunning => StartTime is not null && Lease.ProcessStartTime(Pid) == StartTime;
}
