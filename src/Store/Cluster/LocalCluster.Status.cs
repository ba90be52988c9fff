using ReformMetrics.Store.Embedded;

namespace ReformMetrics.Store.Cluster;

public sealed partial class LocalCluster
{
    /// <summary>What runs now, node by node, and ZooKeeper's state; <see cref="ClusterStatus.State"/> is null when no cluster
    /// was ever started in the directory.</summary>
    public async Task<ClusterStatus> StatusAsync(CancellationToken cancellationToken)
    {
        var state = ClusterState.Read(layout.StateFile);
        if (state is null)
        {
            return new ClusterStatus(null, [], null);
        }

        var users = File.Exists(layout.Secrets.UsersSecretFile) ? EngineUsers.LoadOrCreate(layout.Secrets) : null;
        var nodes = await Task.WhenAll(state.Nodes.Select(async node =>
        {
            var running = node.IsRunning;
            var pid = running ? EngineState.Read(node.Layout.StateFile)?.Pid ?? node.Pid : (int?)null;
            var alive = running && await ClusterProbe.PingAsync(node.HttpPort, cancellationToken).ConfigureAwait(false);
            string? version = null;
            if (alive && users is not null)
            {
                try
                {
                    version = (await EngineControl.QueryAsync(node.HttpPort, "SELECT version()", users, cancellationToken).ConfigureAwait(false)).Trim();
                }
                catch (HttpRequestException)
                {
                    alive = false;
                }
            }

            return new NodeStatus(node, pid, alive, version);
        })).ConfigureAwait(false);

        ZooKeeperStatus? zooKeeper = null;
        if (state.ZooKeeper is { } zk)
        {
            var running = zk.IsRunning;
            zooKeeper = new ZooKeeperStatus(zk, running, running ? await ZooKeeperServer.ModeAsync(zk.Port, cancellationToken).ConfigureAwait(false) : null);
        }

        return new ClusterStatus(state, nodes, zooKeeper);
    }
}

/// <summary>The answer of <see cref="LocalCluster.StatusAsync"/>.</summary>
public sealed record ClusterStatus(ClusterState? State, IReadOnlyList<NodeStatus> Nodes, ZooKeeperStatus? ZooKeeper)
{
    public bool AnyRunning => Nodes.Any(n => n.Pid is not null) || ZooKeeper is { Running: true };

    public bool AllAlive => State is not null && Nodes.Count > 0 && Nodes.All(n => n.Alive) && (ZooKeeper is null || ZooKeeper.Mode is not null);
}

/// <summary>A node: its pid while its engine runs, whether it answers, and its ClickHouse version.</summary>
public sealed record NodeStatus(ClusterNode Node, int? Pid, bool Alive, string? Version);

/// <summary>ZooKeeper: whether its process runs, and the mode it answers (<c>standalone</c>), null when it does not.</summary>
public sealed record ZooKeeperStatus(ZooKeeperState State, bool Running, string? Mode);
