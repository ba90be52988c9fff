using System.Text;
using Dapper;

namespace ReformMetrics.Store.Sharding;

/// <summary>Stores on each node of the cluster, one per database, opened when first needed: where a sharded store's
/// migrations send their statements (every node, or one node of every shard).</summary>
public sealed class NodeStores(ClickHouseStore service, IReadOnlyList<ClusterMember> nodes) : IAsyncDisposable
{
    private readonly Dictionary<(ClusterMember Node, string Database), ClickHouseStore> _open = [];

    public IReadOnlyList<ClusterMember> Nodes { get; } = nodes;

    /// <summary>True when the shards' replicas replicate by their tables (ReplicatedMergeTree engines).</summary>
    public bool Replicated => ClusterMembers.ReplicatedByTables(Nodes);

    public static async Task<NodeStores> OpenAsync(ClickHouseStore service, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        var nodes = await ClusterMembers.DiscoverAsync(service, requireAll: true, cancellationToken).ConfigureAwait(false);
        return new NodeStores(service, nodes);
    }

    public async Task<ClickHouseStore> ForAsync(ClusterMember node, string database, CancellationToken cancellationToken)
    {
        if (!_open.TryGetValue((node, database), out var store))
        {
            _open[(node, database)] = store = await service.OpenNodeAsync(node, database, cancellationToken).ConfigureAwait(false);
        }

        return store;
    }

    /// <summary>Runs a statement where its target says, with <paramref name="body"/> as the request body when given (a
    /// seed's CSV).</summary>
    public async Task ExecuteAsync(PlannedStatement statement, string? body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statement);
        foreach (var node in statement.Target == StatementTarget.EveryNode ? Nodes : ClusterMembers.RowHolders(Nodes))
        {
            var store = await ForAsync(node, statement.Database, cancellationToken).ConfigureAwait(false);
            if (body is not null)
            {
                await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(body));
                using var response = await store.Client.PostStreamAsync(statement.Sql, stream, isCompressed: false, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await using var connection = store.CreateConnection();
                await connection.ExecuteAsync(new CommandDefinition(statement.Sql, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A server-wide statement (no default database) on every node.</summary>
    public async Task ExecuteOnEveryNodeAsync(string sql, CancellationToken cancellationToken)
    {
        foreach (var node in Nodes)
        {
            var store = await ForAsync(node, service.Database, cancellationToken).ConfigureAwait(false);
            await using var connection = store.CreateServerConnection();
            await connection.ExecuteAsync(new CommandDefinition(sql, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _open.Values)
        {
            await store.DisposeAsync().ConfigureAwait(false);
        }

        _open.Clear();
    }
}
