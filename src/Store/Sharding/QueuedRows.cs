using ClickHouse.Driver;
using Dapper;
using Microsoft.Extensions.Logging;

namespace ReformMetrics.Store.Sharding;

/// <summary>
/// The rows a Distributed table keeps on the service's node for replicas that did not answer (inserts in the background,
/// made while a replica is down). The embedded engine does not send them by itself, so they are sent by asking: after such
/// an insert, and before every refresh, which is how a replica that is back gets the rows it missed.
/// </summary>
public static class QueuedRows
{
    /// <summary>Sends what the service database's <c>events</c> table holds for other nodes; true when everything went,
    /// false when some replica still does not answer (its rows stay queued).</summary>
    public static async Task<bool> FlushEventsAsync(ClickHouseStore store, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        try
        {
            await using var connection = store.CreateConnection();
            await connection.ExecuteAsync(new CommandDefinition($"SYSTEM FLUSH DISTRIBUTED {store.Database}.events", cancellationToken: cancellationToken))
                .ConfigureAwait(false);
            return true;
        }
        catch (ClickHouseServerException ex) when (ClusterMembers.Unreachable(ex))
        {
            logger.LogWarning("Rows queued for a replica that does not answer stay queued: {Error}", ex.Message.Split('\n')[0]);
            return false;
        }
    }

    /// <summary>True on a cluster whose shards have several replicas fed by the Distributed table (internal_replication
    /// off), from the configuration, which also lists a replica that is down.</summary>
    public static async Task<bool> FeedsReplicasAsync(ClickHouseStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.Cluster is null)
        {
            return false;
        }

        return ClusterMembers.FeedsReplicas(await ClusterMembers.DeclaredAsync(store, cancellationToken).ConfigureAwait(false));
    }
}
