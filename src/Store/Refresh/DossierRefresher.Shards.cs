using ReformMetrics.Store.Sharding;

namespace ReformMetrics.Store.Refresh;

/// <summary>The refresh of a sharded store: every shard brings its own dossier state and pre-aggregates up to date from its
/// own events (its shard database, <see cref="ShardedSchema"/>), with the same code as a single node, all shards at once.</summary>
public sealed partial class DossierRefresher
{
    private readonly Dictionary<uint, (ClickHouseStore Store, DossierRefresher Refresher)> _shards = [];

    private async Task<RefreshResult> RunShardsAsync(bool full, CancellationToken cancellationToken)
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var shards = await ShardRefreshersAsync(cancellationToken).ConfigureAwait(false);
        var results = await Task.WhenAll(shards.Select(s => s.RunHereAsync(full, cancellationToken))).ConfigureAwait(false);
        var kind = results.Any(r => r.Kind == RefreshKind.Cohorts) ? RefreshKind.Cohorts
            : results.Any(r => r.Kind == RefreshKind.Incremental) ? RefreshKind.Incremental : RefreshKind.None;
        return new RefreshResult(kind, results.SelectMany(r => r.Cohorts).Distinct().Order().ToList(),
            results.Aggregate(0UL, (sum, r) => sum + r.Dossiers), stopwatch.Elapsed);
    }

    /// <summary>A refresher per shard, on a node of that shard, kept for the life of this one (each keeps its own
    /// watermark in memory while nothing is new).</summary>
    private async Task<IReadOnlyList<DossierRefresher>> ShardRefreshersAsync(CancellationToken cancellationToken)
    {
        var nodes = await ClusterNodes.DiscoverAsync(store, requireAll: false, cancellationToken).ConfigureAwait(false);
        var shards = nodes.GroupBy(n => n.Shard).Select(g => g.First()).ToList();
        foreach (var node in shards.Where(n => !_shards.ContainsKey(n.Shard)))
        {
            var shardStore = await store.OpenNodeAsync(node, ShardedSchema.ShardDatabase(store.Database), cancellationToken).ConfigureAwait(false);
            _shards[node.Shard] = (shardStore, new DossierRefresher(shardStore, logger, Microsoft.Extensions.Options.Options.Create(_options)));
        }

        var expected = await ShardCountAsync(cancellationToken).ConfigureAwait(false);
        if (shards.Count < expected)
        {
            throw new ShardingException(
                $"Không làm mới được số liệu: chỉ {shards.Count}/{expected} mảnh của cụm '{store.Cluster}' trả lời; số liệu của mảnh thiếu sẽ cũ.");
        }

        return shards.Select(n => _shards[n.Shard].Refresher).ToList();
    }

    private async Task<int> ShardCountAsync(CancellationToken cancellationToken)
    {
        await using var connection = store.CreateServerConnection();
        return (int)await Dapper.SqlMapper.ExecuteScalarAsync<ulong>(connection, new Dapper.CommandDefinition(
            "SELECT uniqExact(shard_num) FROM system.clusters WHERE cluster = @cluster", new { cluster = store.Cluster },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (shardStore, refresher) in _shards.Values)
        {
            await refresher.DisposeAsync().ConfigureAwait(false);
            await shardStore.DisposeAsync().ConfigureAwait(false);
        }

        _shards.Clear();
    }
}
