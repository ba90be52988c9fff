using Microsoft.Extensions.Logging;
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

        // What the configuration declares is read once a pass; the nodes themselves are asked for their ports only when a
        // node has no refresher yet, so that a pass with nothing new costs two statements here and one on each shard.
        var seats = await ClusterMembers.DeclaredAsync(store, cancellationToken).ConfigureAwait(false);
        if (ClusterMembers.FeedsReplicas(seats))
        {
            // A replica back after a failure gets the events it missed before it is refreshed.
            await QueuedRows.FlushEventsAsync(store, logger, cancellationToken).ConfigureAwait(false);
        }

        var holders = ClusterMembers.RowHolders(seats);
        if (holders.Any(h => !_shards.ContainsKey((h.Shard, h.Replica))))
        {
            await OpenShardRefreshersAsync(cancellationToken).ConfigureAwait(false);
        }

        var runs = (await Task.WhenAll(holders.Where(h => _shards.ContainsKey((h.Shard, h.Replica)))
                .Select(async h => (h.Shard, Result: await RunOnNodeAsync(h, full, cancellationToken).ConfigureAwait(false))))
            .ConfigureAwait(false)).Where(r => r.Result is not null).Select(r => (r.Shard, Result: r.Result!)).ToList();
        var expected = seats.Select(s => s.Shard).Distinct().Count();
        var answering = runs.Select(r => r.Shard).Distinct().Count();
        if (answering < expected)
        {
            throw new ShardingException(
                $"Không làm mới được số liệu: chỉ {answering}/{expected} mảnh của cụm '{store.Cluster}' trả lời; số liệu của mảnh thiếu sẽ cũ.");
        }

        // Replicas of a shard recompute the same dossiers: counted once.
        var results = runs.GroupBy(r => r.Shard).Select(g => g.MaxBy(r => r.Result.Dossiers).Result).ToList();
        var kind = results.Any(r => r.Kind == RefreshKind.Cohorts) ? RefreshKind.Cohorts
            : results.Any(r => r.Kind == RefreshKind.Incremental) ? RefreshKind.Incremental : RefreshKind.None;
        return new RefreshResult(kind, results.SelectMany(r => r.Cohorts).Distinct().Order().ToList(),
            results.Aggregate(0UL, (sum, r) => sum + r.Dossiers), stopwatch.Elapsed);
    }

    /// <summary>The refresh of one node, or null when the node does not answer: a replica that is down is refreshed when it
    /// answers again (its events wait for it in the Distributed table); a shard none of whose nodes answers fails the pass.</summary>
    private async Task<RefreshResult?> RunOnNodeAsync(ClusterSeat seat, bool full, CancellationToken cancellationToken)
    {
        try
        {
            return await _shards[(seat.Shard, seat.Replica)].Refresher.RunHereAsync(full, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning("Shard {Shard} replica {Replica} does not answer; refreshed when it does: {Error}", seat.Shard, seat.Replica, ex.Message);
            return null;
        }
    }

    /// <summary>A refresher for each node that answers and has none yet, on its shard database, kept for the life of this one
    /// (each keeps its own watermark in memory while nothing is new).</summary>
    private async Task OpenShardRefreshersAsync(CancellationToken cancellationToken)
    {
        var nodes = await ClusterMembers.DiscoverAsync(store, requireAll: false, cancellationToken).ConfigureAwait(false);
        foreach (var node in ClusterMembers.RowHolders(nodes).Where(n => !_shards.ContainsKey((n.Shard, n.Replica))))
        {
            var shardStore = await store.OpenNodeAsync(node, ShardedSchema.ShardDatabase(store.Database), cancellationToken).ConfigureAwait(false);
            _shards[(node.Shard, node.Replica)] = (shardStore, new DossierRefresher(shardStore, logger, Microsoft.Extensions.Options.Options.Create(_options)));
        }
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
