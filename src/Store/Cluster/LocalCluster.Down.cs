using Microsoft.Extensions.Logging;
using ReformMetrics.Store.Embedded;

namespace ReformMetrics.Store.Cluster;

public sealed partial class LocalCluster
{
    /// <summary>A node's engine host ends itself 20 s after its stop began if ClickHouse has not returned; wait a little longer.</summary>
    private static readonly TimeSpan NodeStopTimeout = TimeSpan.FromSeconds(25);

    /// <summary>Stops every node (by killing its blocking statement, the engine's clean stop) and ZooKeeper; with
    /// <paramref name="purge"/>, then deletes the cluster's directory. Returns how many processes it stopped.</summary>
    public async Task<int> DownAsync(bool purge, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(layout.Root))
        {
            return 0;
        }

        if (purge && !layout.LooksLikeCluster)
        {
            throw new ClusterException($"{layout.Root} không phải thư mục của một cụm (không có cluster.json hay nodes/): không xoá gì.");
        }

        int stopped;
        using (await FileLock.AcquireAsync(layout.LockFile, LockTimeout, cancellationToken).ConfigureAwait(false))
        {
            progress?.Report("Đang dừng các nút ClickHouse và ZooKeeper");
            stopped = await StopAllAsync(ClusterState.Read(layout.StateFile)).ConfigureAwait(false);
            if (purge)
            {
                Directory.Delete(layout.Root, recursive: true);
                logger.LogInformation("Deleted {Root}", layout.Root);
            }
        }

        return stopped;
    }

    /// <summary>What still runs: the nodes found under nodes/ (whether cluster.json lists them or not) and ZooKeeper.</summary>
    private List<string> RunningParts(ClusterState? state)
    {
        var running = NodeLayouts().Where(node => !FileLock.IsFree(node.EngineLock)).Select(node => Path.GetFileName(node.Root)).ToList();
        if (state?.ZooKeeper is { IsRunning: true } zooKeeper)
        {
            running.Add($"ZooKeeper pid {zooKeeper.Pid}");
        }

        return running;
    }

    private IEnumerable<StoreLayout> NodeLayouts() =>
        Directory.Exists(layout.NodesDirectory)
            ? Directory.EnumerateDirectories(layout.NodesDirectory).Order(StringComparer.Ordinal).Select(StoreLayout.For)
            : [];

    /// <summary>Stops whatever runs, never giving up half-way (not cancellable): nodes first, then the ZooKeeper they use.</summary>
    private async Task<int> StopAllAsync(ClusterState? state)
    {
        var nodes = NodeLayouts().ToList();
        var stopped = await Task.WhenAll(nodes.Select(node =>
            StopNodeAsync(node, state?.Nodes.FirstOrDefault(n => n.Directory == node.Root)))).ConfigureAwait(false);
        var count = stopped.Count(s => s);
        if (state?.ZooKeeper is { IsRunning: true } zooKeeper)
        {
            await ZooKeeperServer.StopAsync(zooKeeper, logger).ConfigureAwait(false);
            count++;
        }

        return count;
    }

    /// <summary>KILL QUERY of the node's blocking statement (so ClickHouse shuts down cleanly), then SIGTERM to its host, then
    /// SIGKILL. The engine lock tells when the process has gone: the kernel releases it at exit.</summary>
    private async Task<bool> StopNodeAsync(StoreLayout node, ClusterNode? recorded)
    {
        if (FileLock.IsFree(node.EngineLock))
        {
            return false;
        }

        var engine = EngineState.Read(node.StateFile);
        var pid = engine?.Pid ?? (recorded is { Pid: > 0, StartTime: { } started } && Lease.ProcessStartTime(recorded.Pid) == started ? recorded.Pid : 0);
        var startTime = pid == 0 ? null : Lease.ProcessStartTime(pid);
        if (engine is not null)
        {
            try
            {
                await EngineControl.StopAsync(engine.HttpPort, engine.QueryId, EngineUsers.LoadOrCreate(node), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                logger.LogWarning("Could not cancel the blocking statement of {Node}: {Error}", node.Root, ex.Message);
            }
        }

        // The host releases its lock a moment before its process ends: gone means both.
        bool Gone() => FileLock.IsFree(node.EngineLock) && (startTime is null || Lease.ProcessStartTime(pid) != startTime);
        if (await ProcessWatch.WaitUntilAsync(Gone, NodeStopTimeout).ConfigureAwait(false))
        {
            logger.LogInformation("Node {Node} stopped", node.Root);
            return true;
        }

        if (pid == 0)
        {
            throw new ClusterException($"Nút {node.Root} vẫn chạy nhưng không biết tiến trình nào: hãy dừng nó bằng tay. Nhật ký: {node.LogFile}");
        }

        logger.LogWarning("Node {Node} (pid {Pid}) did not stop; sending SIGTERM", node.Root, pid);
        _ = Libc.kill(pid, Libc.SIGTERM);
        if (!await ProcessWatch.WaitUntilAsync(Gone, NodeStopTimeout).ConfigureAwait(false))
        {
            logger.LogWarning("Node {Node} (pid {Pid}) did not stop on SIGTERM; killing it", node.Root, pid);
            _ = Libc.kill(pid, Libc.SIGKILL);
            if (!await ProcessWatch.WaitUntilAsync(Gone, TimeSpan.FromSeconds(5)).ConfigureAwait(false))
            {
                throw new ClusterException($"Không dừng được nút {node.Root} (pid {pid}).");
            }
        }

        return true;
    }
}
