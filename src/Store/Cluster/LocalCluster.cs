using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using ReformMetrics.Store.Embedded;

namespace ReformMetrics.Store.Cluster;

/// <summary>
/// A real ClickHouse cluster on one machine, for tests and demos (<c>reform cluster up|down|status</c>): shards × replicas
/// embedded engines (reform-engine, each on its own store under the cluster's directory, HTTP and native TCP on 127.0.0.1),
/// declared to each other as <see cref="Name"/>, with a private ZooKeeper when there are replicas. The engines run detached
/// and outlive the command that started them; <c>cluster.json</c> records them for <see cref="DownAsync"/> and
/// <see cref="StatusAsync"/>.
/// </summary>
/// <remarks>
/// What the embedded engine (chDB's clickhouse-local) does not do, whatever the configuration: <c>ON CLUSTER</c> DDL (no
/// distributed DDL worker: "Replicated DDL queries are disabled") and replication by ReplicatedMergeTree (no interserver
/// endpoint: its tables stay read-only). Create tables on each node instead; Distributed tables, <c>cluster()</c>,
/// <c>remote()</c> and inserts through Distributed (to every replica, see <see cref="ClusterConfig"/>) work.
/// </remarks>
public sealed partial class LocalCluster(ClusterLayout layout, EngineCache cache, ProgramCommand hostCommand, ILogger logger)
{
    public const string Name = "reform_cluster";
    public const int MaxShards = 16;
    public const int MaxReplicas = 4;
    public const int MaxNodes = 16;
    private static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    public ClusterLayout Layout => layout;

    /// <summary>Starts the cluster and returns once every node answers and sees every other; refuses when it already runs.
    /// Whatever it started is stopped again when it fails.</summary>
    public async Task<ClusterState> UpAsync(int shards, int replicas, string database, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(shards, MaxShards);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(replicas, MaxReplicas);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(shards * replicas, MaxNodes);
        layout.EnsureCreated();
        using var clusterLock = await FileLock.AcquireAsync(layout.LockFile, LockTimeout, cancellationToken).ConfigureAwait(false);
        var running = RunningParts(ClusterState.Read(layout.StateFile));
        if (running.Count > 0)
        {
            throw new ClusterException(
                $"Cụm ở {layout.Root} đang chạy ({string.Join(", ", running)}): không khởi động lần nữa. "
                + $"Xem: reform cluster status --dir {layout.Root}; dừng: reform cluster down --dir {layout.Root}.");
        }

        var previous = ClusterState.Read(layout.StateFile);
        var library = await cache.EnsureAsync(progress, cancellationToken).ConfigureAwait(false);
        var users = EngineUsers.LoadOrCreate(layout.Secrets);
        var secret = ClusterConfig.LoadOrCreateSecret(layout);
        for (var attempt = 1; ; attempt++)
        {
            var state = new ClusterState(
                shards, replicas, database, Plan(shards, replicas, attempt == 1 ? previous : null), null, layout.Secrets.UsersSecretFile, DateTimeOffset.UtcNow);
            try
            {
                return await StartAsync(state, attempt == 1 ? previous : null, library, users, secret, progress, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                await StopAllAsync(ClusterState.Read(layout.StateFile) ?? state).ConfigureAwait(false);
                // Ports are chosen free, then released for the engines to take: another program may take one in between.
                if (attempt < 2 && ex is EngineUnavailableException && ex.Message.Contains("Address already in use", StringComparison.Ordinal))
                {
                    logger.LogWarning("A port was taken before a node could listen; starting the cluster again on other ports");
                    continue;
                }

                throw;
            }
        }
    }

    /// <summary>The connection string a `reform --clickhouse` command takes: the service user on the first node, and the
    /// cluster's name (ClickHouseOptions takes <c>Cluster=</c> out of it before the driver sees it).</summary>
    public static string ConnectionString(ClusterState state, EngineUsers users)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(users);
        return $"{users.ServiceConnectionString(state.Entry.HttpPort)};{ClickHouseOptions.ClusterKey}={Name}";
    }

    /// <summary>The analysts' connection (the SQL page, their own clients): the analyst user on the first node, the service's,
    /// which holds the bookkeeping tables their views read.</summary>
    public static string AnalystConnectionString(ClusterState state, EngineUsers users)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(users);
        return users.AnalystConnectionString(state.Entry.HttpPort, state.Database);
    }

    private async Task<ClusterState> StartAsync(
        ClusterState state, ClusterState? previous, string library, EngineUsers users, string secret, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (state.Replicas > 1)
        {
            await ZooKeeperPackage.EnsureInstalledAsync(progress, logger, cancellationToken).ConfigureAwait(false);
            progress?.Report("Đang khởi động ZooKeeper");
            var zooKeeperPort = previous?.ZooKeeper is { Port: var port } && AreFree([port]) ? port : FreePorts(1)[0];
            var zooKeeper = await ZooKeeperServer.StartAsync(layout, zooKeeperPort, logger, cancellationToken).ConfigureAwait(false);
            state = state with { ZooKeeper = zooKeeper };
            state.Write(layout.StateFile);
        }

        foreach (var node in state.Nodes)
        {
            node.Layout.EnsureCreated();
            CopyOwnerOnly(layout.Secrets.UsersSecretFile, node.Layout.UsersSecretFile);
            ClusterConfig.Write(ClusterConfig.For(node, state.Nodes, secret, state.Database, state.ZooKeeper?.Port), ClusterConfigFile(node));
        }

        state.Write(layout.StateFile);
        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"Đang khởi động {state.Nodes.Count} nút ClickHouse"));
        var started = await Task.WhenAll(state.Nodes.Select(node => StartNodeAsync(node, library, state.Database, cancellationToken))).ConfigureAwait(false);
        state = state with { Nodes = started };
        state.Write(layout.StateFile);

        progress?.Report("Đang chờ các nút nhận ra nhau");
        await Task.WhenAll(state.Nodes.Select(node => WaitUntilReadyAsync(node, state.Nodes.Count, users, cancellationToken))).ConfigureAwait(false);
        if (state.ZooKeeper is { } zk && await ZooKeeperServer.ProbeAsync(zk.Port, "ruok", cancellationToken).ConfigureAwait(false) != "imok")
        {
            throw new ClusterException($"ZooKeeper trên cổng {zk.Port} không trả lời. Nhật ký: {ZooKeeperServer.LogFile(layout)}");
        }

        logger.LogInformation("Cluster {Name} up: {Shards} shards x {Replicas} replicas in {Root}", Name, state.Shards, state.Replicas, layout.Root);
        return state;
    }

    private async Task<ClusterNode> StartNodeAsync(ClusterNode node, string library, string database, CancellationToken cancellationToken)
    {
        var arguments = new EngineHostArguments(
            node.Directory, node.HttpPort, library, $"reform-cluster-{node.Name}-{Guid.NewGuid():N}", database, node.TcpPort, ClusterConfigFile(node),
            Detached: true);
        var engine = await EngineProcess.StartAsync(node.Layout, hostCommand, () => arguments, attempts: 1, logger, cancellationToken).ConfigureAwait(false);
        return node with { Pid = engine.Pid, StartTime = Lease.ProcessStartTime(engine.Pid) };
    }

    /// <summary>The node answers /ping, lists every node of the cluster, and reaches every node over the native protocol with
    /// the inter-server secret (clusterAllReplicas asks each of them).</summary>
    private static async Task WaitUntilReadyAsync(ClusterNode node, int nodes, EngineUsers users, CancellationToken cancellationToken)
    {
        var expected = nodes.ToString(CultureInfo.InvariantCulture);
        var deadline = DateTime.UtcNow + ReadyTimeout;
        var problem = string.Empty;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                problem = await ClusterProbe.PingAsync(node.HttpPort, cancellationToken).ConfigureAwait(false) ? string.Empty : "không trả lời /ping";
                if (problem.Length == 0 && (await EngineControl.QueryAsync(
                        node.HttpPort, $"SELECT count() FROM system.clusters WHERE cluster = '{Name}'", users, cancellationToken).ConfigureAwait(false)).Trim() is var listed
                    && listed != expected)
                {
                    problem = $"system.clusters liệt kê {listed} nút thay vì {expected}";
                }

                if (problem.Length == 0 && (await EngineControl.QueryAsync(
                        node.HttpPort, $"SELECT count() FROM clusterAllReplicas('{Name}', system.one)", users, cancellationToken).ConfigureAwait(false)).Trim() is var reached
                    && reached != expected)
                {
                    problem = $"chỉ tới được {reached} trong {expected} nút";
                }

                if (problem.Length == 0)
                {
                    return;
                }
            }
            catch (HttpRequestException ex)
            {
                problem = ex.Message;
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }

        throw new ClusterException($"Nút {node.Name} (cổng HTTP {node.HttpPort}) chưa sẵn sàng sau {ReadyTimeout.TotalSeconds:0} giây: {problem}. Nhật ký: {node.Layout.LogFile}");
    }

    /// <summary>Nodes in shard order, each with an HTTP and a native TCP port free at this instant: the ports of the
    /// previous run of the same shape when they are all free (the printed connection string then stays the same), else new
    /// ones.</summary>
    private List<ClusterNode> Plan(int shards, int replicas, ClusterState? previous)
    {
        if (previous is not null && previous.Shards == shards && previous.Replicas == replicas
            && previous.Nodes.SelectMany(n => new[] { n.HttpPort, n.TcpPort }).ToList() is var used && AreFree(used))
        {
            return previous.Nodes.Select(n => new ClusterNode(n.Shard, n.Replica, n.Name, layout.Node(n.Name).Root, n.HttpPort, n.TcpPort)).ToList();
        }

        var ports = FreePorts(2 * shards * replicas);
        var nodes = new List<ClusterNode>();
        for (var shard = 1; shard <= shards; shard++)
        {
            for (var replica = 1; replica <= replicas; replica++)
            {
                var name = ClusterLayout.NodeName(shard, replica);
                nodes.Add(new ClusterNode(shard, replica, name, layout.Node(name).Root, ports[2 * nodes.Count], ports[(2 * nodes.Count) + 1]));
            }
        }

        return nodes;
    }

    /// <summary>Distinct free ports: every listener is held until all are chosen, so none is handed out twice.</summary>
    private static List<int> FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
        }
        finally
        {
            listeners.ForEach(l => l.Dispose());
        }
    }

    private static bool AreFree(List<int> ports)
    {
        var listeners = new List<TcpListener>();
        try
        {
            foreach (var port in ports)
            {
                var listener = new TcpListener(IPAddress.Loopback, port);
                listeners.Add(listener);
                listener.Start();
            }

            return ports.Distinct().Count() == ports.Count;
        }
        catch (SocketException)
        {
            return false;
        }
        finally
        {
            listeners.ForEach(l => l.Dispose());
        }
    }

    private static string ClusterConfigFile(ClusterNode node) => Path.Combine(node.Layout.RunDirectory, "cluster.xml");

    private static void CopyOwnerOnly(string source, string destination)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!, ClusterLayout.OwnerOnly);
        using var input = File.OpenRead(source);
        using var output = new FileStream(destination, new FileStreamOptions
        {
            Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        input.CopyTo(output);
    }
}
