using ClickHouse.Driver;
using Microsoft.Extensions.Logging;
using ReformMetrics.Store;
using ReformMetrics.Store.Sharding;

namespace ReformMetrics.Ingest.Loading;

/// <summary>
/// Loading while a replica is down, on a cluster whose replicas are fed by the Distributed table (internal_replication
/// off, as on the local cluster: the embedded engine cannot replicate by its tables). An insert in the foreground writes
/// to every replica and fails when one does not answer; the same block is then inserted in the background, where the
/// Distributed table keeps it on the service's node for each replica and delivers it when the replica is back. The
/// batch's deduplication token goes with it, so a replica that got the foreground attempt drops the second copy.
/// </summary>
internal static class ReplicaOutage
{
    /// <summary>How long the events of a queued insert may take to be readable on the replicas that answer.</summary>
    public static readonly TimeSpan ReadableWithin = TimeSpan.FromSeconds(60);

    public static async Task InsertAsync(
        ClickHouseStore store, IngestBatch batch, ReadOnlyMemory<byte> block, QueryOptions options, Exception failure, ILogger logger,
        CancellationToken cancellationToken)
    {
        logger.LogWarning("Batch {Batch} of {Source}: a replica does not answer ({Error}); its rows are queued on the service's node",
            batch.Number, batch.Source, failure.Message.Split('\n')[0]);
        var queued = new QueryOptions { CustomSettings = new Dictionary<string, object>(options.CustomSettings!) { ["distributed_foreground_insert"] = 0 } };
        using var stream = EventLoader.Stream(block);
        using (await store.Client.InsertRawStreamAsync(
            "events", stream, "Native", NativeBlockWriter.Columns, useCompression: store.Engine is null, queued, cancellationToken).ConfigureAwait(false))
        {
        }

        // To the replicas that answer now; the others get theirs when they are back (QueuedRows).
        await QueuedRows.FlushEventsAsync(store, logger, cancellationToken).ConfigureAwait(false);
    }
}
