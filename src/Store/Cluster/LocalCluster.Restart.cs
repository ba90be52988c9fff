using Microsoft.Extensions.Logging;
using ReformMetrics.Store.Embedded;

namespace ReformMetrics.Store.Cluster;

public sealed partial class LocalCluster
{
    /// <summary>Starts again, on their own ports and data, the nodes of a running cluster that have stopped (killed,
    /// crashed), and waits until the cluster answers as after <see cref="UpAsync"/>. Returns the state, with their new pids.</summary>
    public async Task<ClusterState> RestartStoppedAsync(CancellationToken cancellationToken)
    {
        using var clusterLock = await FileLock.AcquireAsync(layout.LockFile, LockTimeout, cancellationToken).ConfigureAwait(false);
        var state = ClusterState.Read(layout.StateFile)
            ?? throw new ClusterException($"Không có cụm nào ở {layout.Root}: hãy chạy reform cluster up --dir {layout.Root}.");
        var library = await cache.EnsureAsync(null, cancellationToken).ConfigureAwait(false);
        var users = EngineUsers.LoadOrCreate(layout.Secrets);
        var nodes = new List<ClusterNode>();
        foreach (var node in state.Nodes)
        {
            if (node.IsRunning)
            {
                nodes.Add(node);
                continue;
            }

            logger.LogWarning("Node {Node} of the cluster has stopped; starting it again on port {Port}", node.Name, node.HttpPort);
            nodes.Add(await StartNodeAsync(node, library, state.Database, cancellationToken).ConfigureAwait(false));
        }

        state = state with { Nodes = nodes };
        state.Write(layout.StateFile);
        await Task.WhenAll(state.Nodes.Select(node => WaitUntilReadyAsync(node, state.Nodes.Count, users, cancellationToken))).ConfigureAwait(false);
        return state;
    }
}
