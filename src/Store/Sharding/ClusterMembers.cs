using System.Data.Common;
using System.Globalization;
using ClickHouse.Driver;
using Dapper;

namespace ReformMetrics.Store.Sharding;

/// <summary>A node of the cluster: its place (shard, replica), where its native protocol listens (from the servers'
/// <c>remote_servers</c>), its HTTP port (asked of the node itself: the cluster's configuration does not carry it), and how
/// its shard's replicas get their rows: by their tables (<c>internal_replication</c>: ReplicatedMergeTree) or from the
/// Distributed table, which writes every row to each of them.</summary>
public sealed record ClusterMember(uint Shard, uint Replica, string Host, int TcpPort, int HttpPort, bool InternalReplication = false)
{
    /// <summary>The service's connection string pointed at this node (same user and settings).</summary>
    public string ConnectionString(string serviceConnectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = serviceConnectionString };
        builder["Host"] = Host;
        builder["Port"] = HttpPort.ToString(CultureInfo.InvariantCulture);
        return builder.ConnectionString;
    }

    /// <summary>Its place as the configuration declares it.</summary>
    public ClusterSeat Seat => new(Shard, Replica, Host, TcpPort, InternalReplication);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"mảnh {Shard}, bản sao {Replica} ({Host}:{HttpPort})");
}

/// <summary>A node as the cluster's configuration (<c>system.clusters</c>) declares it, listed whether it answers or not.</summary>
public sealed record ClusterSeat(uint Shard, uint Replica, string Host, int TcpPort, bool InternalReplication);

/// <summary>Finds the nodes of the configured cluster, from the node the service is connected to.</summary>
public static class ClusterMembers
{
    /// <summary>The nodes the configuration declares, in shard and replica order: one statement on the service's node.</summary>
    public static async Task<IReadOnlyList<ClusterSeat>> DeclaredAsync(ClickHouseStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var cluster = store.Cluster ?? throw new InvalidOperationException("No cluster is configured");
        await using var connection = store.CreateServerConnection();
        var seats = (await connection.QueryAsync<(uint Shard, uint Replica, string Host, ushort Port, byte InternalReplication)>(new CommandDefinition(
            "SELECT shard_num, replica_num, host_name, port, internal_replication FROM system.clusters WHERE cluster = @cluster ORDER BY shard_num, replica_num",
            new { cluster }, cancellationToken: cancellationToken)).ConfigureAwait(false))
            .Select(r => new ClusterSeat(r.Shard, r.Replica, r.Host, r.Port, r.InternalReplication != 0)).ToList();
        return seats.Count > 0
            ? seats
            : throw new ShardingException($"Máy chủ ClickHouse không có cụm '{cluster}' trong cấu hình remote_servers (ClickHouse:Cluster).");
    }

    /// <summary>Every node of the cluster in shard and replica order. A node that does not answer is left out unless
    /// <paramref name="requireAll"/>, which fails naming it (migrations need every node).</summary>
    public static async Task<IReadOnlyList<ClusterMember>> DiscoverAsync(ClickHouseStore store, bool requireAll, CancellationToken cancellationToken)
    {
        var seats = await DeclaredAsync(store, cancellationToken).ConfigureAwait(false);
        await using var connection = store.CreateServerConnection();

        // The cluster name is a plain identifier (ClickHouseOptions checks it), and a table function takes no parameters.
        var answers = (await connection.QueryAsync<(ushort Tcp, string Host, string Fqdn, ushort Http)>(new CommandDefinition(
            $"SELECT tcpPort(), hostName(), fqdn(), getServerPort('http_port') FROM clusterAllReplicas('{store.Cluster}', system.one) SETTINGS skip_unavailable_shards = 1",
            cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        var nodes = new List<ClusterMember>();
        var missing = new List<string>();
        foreach (var seat in seats)
        {
            // Nodes on one machine differ by port; nodes on several machines usually share ports and differ by name.
            var samePort = answers.Where(a => a.Tcp == seat.TcpPort).ToList();
            var answer = samePort.Count == 1 ? samePort[0] : samePort.FirstOrDefault(a => Same(a.Host, seat.Host) || Same(a.Fqdn, seat.Host));
            if (answer == default)
            {
                missing.Add(string.Create(CultureInfo.InvariantCulture, $"mảnh {seat.Shard} bản sao {seat.Replica} ({seat.Host}:{seat.TcpPort})"));
                continue;
            }

            nodes.Add(new ClusterMember(seat.Shard, seat.Replica, seat.Host, seat.TcpPort, answer.Http, seat.InternalReplication));
        }

        if (missing.Count > 0 && (requireAll || nodes.Count == 0))
        {
            throw new ShardingException($"Các nút sau của cụm '{store.Cluster}' không trả lời: {string.Join("; ", missing)}.");
        }

        return nodes;
    }

    /// <summary>True when some shard has several replicas fed by the Distributed table (internal replication off).</summary>
    public static bool FeedsReplicas(IReadOnlyList<ClusterSeat> seats) =>
        seats.Any(s => s.Replica > 1 && !s.InternalReplication);

    /// <summary>True when the shards' replicas replicate by their tables (several replicas a shard, internal replication):
    /// tables are then ReplicatedMergeTree, and rows written on one node of a shard reach the others.</summary>
    public static bool ReplicatedByTables(IReadOnlyList<ClusterMember> nodes) => ReplicatedByTables(nodes.Select(n => n.Seat));

    /// <summary>The nodes that must each be given rows (and derive their shard's figures): one per shard when replicas
    /// replicate by their tables, otherwise every node (a replica fed by the Distributed table replicates nothing itself).</summary>
    public static IReadOnlyList<ClusterMember> RowHolders(IReadOnlyList<ClusterMember> nodes) => RowHolders(nodes, n => n.Seat);

    /// <summary>The same for the declared seats, answering or not.</summary>
    public static IReadOnlyList<ClusterSeat> RowHolders(IReadOnlyList<ClusterSeat> seats) => RowHolders(seats, s => s);

    /// <summary>True when a node of the cluster did not answer a distributed statement (connection refused, reset or timed
    /// out, every replica of a shard tried).</summary>
    public static bool Unreachable(ClickHouseServerException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return ex.ErrorCode is 209 or 210 or 279;
    }

    private static bool ReplicatedByTables(IEnumerable<ClusterSeat> seats) =>
        seats.GroupBy(s => s.Shard).Any(g => g.Count() > 1 && g.All(s => s.InternalReplication));

    private static IReadOnlyList<T> RowHolders<T>(IReadOnlyList<T> nodes, Func<T, ClusterSeat> seat) =>
        ReplicatedByTables(nodes.Select(seat)) ? nodes.GroupBy(n => seat(n).Shard).Select(g => g.First()).ToList() : nodes;

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}

/// <summary>The cluster is not as ReformMetrics needs it (message in Vietnamese, for the user).</summary>
public sealed class ShardingException(string message) : Exception(message);
