using ReformMetrics.Store.Sharding;

namespace ReformMetrics.Store.Refresh;

/// <summary>The refresh of a sharded store: every shard brings its own dossier state and pre-aggregates up to date from its
/// own events (its shard database, <see cref="ShardedSchema"/>), with the same code as a single node, all shards at once;
/// where replicas are fed by the Distributed table rather than replicating by their tables, every replica does so.</summary>
public sealed partial class DossierRefresher
{
    private readonly Dictionary<(uint Shard, uint Replica), (ClickHouseStore Store, DossierRefresher Refresher)> _shards = [];

    private async Task<RefreshResult> RunShardsAsync(bool full, CancellationToken cancellationToken)
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        if (await QueuedRows.FeedsReplicasAsync(store, cancellationToken).ConfigureAwait(false))
        {
            // A replica back after a failure gets the events it missed before it is refreshed.
            await QueuedRows.FlushEventsAsync(store, logger, cancellationToken).ConfigureAwait(false);
        }

        var shards = await ShardRefreshersAsync(cancellationToken).ConfigureAwait(false);
        var runs = await Task.WhenAll(shards.Select(async s => (s.Shard, Result: await s.Refresher.RunHereAsync(full, cancellationToken).ConfigureAwait(false))))
            .ConfigureAwait(false);
        // Replicas of a shard recompute the same dossiers: counted once.
        var results = runs.GroupBy(r => r.Shard).Select(g => g.MaxBy(r => r.Result.Dossiers).Result).ToList();
        var kind = results.Any(r => r.Kind == RefreshKind.Cohorts) ? RefreshKind.Cohorts
            : results.Any(r => r.Kind == RefreshKind.Incremental) ? RefreshKind.Incremental : RefreshKind.None;
        return new RefreshResult(kind, results.SelectMany(r => r.Cohorts).Distinct().Order().ToList(),
            results.Aggregate(0UL, (sum, r) => sum + r.Dossiers), stopwatch.Elapsed);
    }

    /// <summary>A refresher per shard, on a node of that shard, kept for the life of this one (each keeps its own
    /// watermark in memory while nothing is new).</summary>
    private async Task<IReadOnlyList<(uint Shard, DossierRefresher Refresher)>> ShardRefreshersAsync(CancellationToken cancellationToken)
    {
        var nodes = await ClusterMembers.DiscoverAsync(store, requireAll: false, cancellationToken).ConfigureAwait(false);
        var holders = ClusterMembers.RowHolders(nodes);
        foreach (var node in holders.Where(n => !_shards.ContainsKey((n.Shard, n.Replica))))
        {
            var shardStore = await store.OpenNodeAsync(node, ShardedSchema.ShardDatabase(store.Database), cancellationToken).ConfigureAwait(false);
            _shards[(node.Shard, node.Replica)] = (shardStore, new DossierRefresher(shardStore, logger, Microsoft.Extensions.Options.Options.Create(_options)));
        }

        var expected = await ShardCountAsync(cancellationToken).ConfigureAwait(false);
        var answering = holders.Select(n => n.Shard).Distinct().Count();
        if (answering < expected)
        {
            throw new ShardingException(
                $"Không làm mới được số liệu: chỉ {answering}/{expected} mảnh của cụm '{store.Cluster}' trả lời; số liệu của mảnh thiếu sẽ cũ.");
        }

        // A replica that does not answer is refreshed when it answers again: its events wait for it in the Distributed table.
        return holders.Select(n => (n.Shard, _shards[(n.Shard, n.Replica)].Refresher)).ToList();
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
