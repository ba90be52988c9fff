using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Store.Cluster;
using ReformMetrics.Store.Embedded;

namespace ReformMetrics.Store.Tests.Cluster;

/// <summary>Real clusters of embedded engines (the code behind `reform cluster up|down`), each in a fresh directory: what a
/// Distributed table does across shards and replicas, what the embedded engine refuses, and that `down` leaves nothing.</summary>
public sealed class LocalClusterTests : IAsyncDisposable
{
    private readonly ClusterLayout _layout = ClusterLayout.For(Directory.CreateTempSubdirectory("reform-cluster-").FullName);
    private readonly LocalCluster _cluster;

    public LocalClusterTests() =>
        _cluster = new LocalCluster(_layout, new EngineCache(EngineCache.DefaultRoot(), NullLogger.Instance), EngineHostCommand.Resolve(), NullLogger.Instance);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_shards_split_the_rows_inserted_through_Distributed_and_count_them_whole()
    {
        var state = await _cluster.UpAsync(shards: 2, replicas: 1, "reform", progress: null, Cancel);
        var users = EngineUsers.LoadOrCreate(_layout.Secrets);
        Assert.Null(state.ZooKeeper);
        foreach (var node in state.Nodes)
        {
            Assert.Equal("2\t2", await QueryAsync(node, users, $"SELECT uniqExact(shard_num), count() FROM system.clusters WHERE cluster = '{LocalCluster.Name}'"));
        }

        // ON CLUSTER needs the distributed DDL worker, which the embedded engine (clickhouse-local) does not run: the tables
        // are created on every node instead. When this starts to pass, the engine can run ON CLUSTER migrations.
        var onCluster = await Assert.ThrowsAsync<HttpRequestException>(() =>
            QueryAsync(state.Entry, users, $"CREATE TABLE default.probe ON CLUSTER {LocalCluster.Name} (id UInt64) ENGINE = MergeTree ORDER BY id"));
        Assert.Contains("Replicated DDL queries are disabled", onCluster.Message, StringComparison.Ordinal);

        // In the shard database: the nodes send each other their parts of distributed statements as the inter-server user,
        // which may read and write there only.
        foreach (var node in state.Nodes)
        {
            await QueryAsync(node, users, "CREATE DATABASE reform_shard");
            await QueryAsync(node, users, "CREATE TABLE reform_shard.local (id UInt64, province LowCardinality(String)) ENGINE = MergeTree ORDER BY id");
            await QueryAsync(node, users, $"CREATE TABLE reform_shard.all AS reform_shard.local ENGINE = Distributed({LocalCluster.Name}, reform_shard, local, id)");
        }

        // Sharding key id over two shards of weight 1: even ids to shard 1, odd ids to shard 2.
        await QueryAsync(state.Entry, users,
            "INSERT INTO reform_shard.all SELECT number, if(number < 300, '80', '01') FROM numbers(1000) SETTINGS distributed_foreground_insert = 1");
        var (first, second) = (state.Nodes.Single(n => n.Shard == 1), state.Nodes.Single(n => n.Shard == 2));
        Assert.Equal("500\t500", await QueryAsync(first, users, "SELECT count(), countIf(id % 2 = 0) FROM reform_shard.local"));
        Assert.Equal("500\t500", await QueryAsync(second, users, "SELECT count(), countIf(id % 2 = 1) FROM reform_shard.local"));
        foreach (var node in state.Nodes)
        {
            Assert.Equal("1000", await QueryAsync(node, users, "SELECT count() FROM reform_shard.all"));
            Assert.Equal("01\t700\n80\t300", await QueryAsync(node, users, "SELECT province, count() FROM reform_shard.all GROUP BY province ORDER BY province"));
        }

        // Outside the shard database the other node refuses the inter-server user: a Distributed table over another
        // database reads only the node it is asked on.
        foreach (var node in state.Nodes)
        {
            await QueryAsync(node, users, "CREATE DATABASE elsewhere");
            await QueryAsync(node, users, "CREATE TABLE elsewhere.local (id UInt64) ENGINE = MergeTree ORDER BY id");
            await QueryAsync(node, users, $"CREATE TABLE elsewhere.all AS elsewhere.local ENGINE = Distributed({LocalCluster.Name}, elsewhere, local)");
        }

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => QueryAsync(state.Entry, users, "SELECT count() FROM elsewhere.all"));
        Assert.Contains($"{ClusterConfig.InterServerUser}: Not enough privileges", refused.Message, StringComparison.Ordinal);

        // Without distributed_foreground_insert the rows for the other shard are queued and sent in the background.
        await QueryAsync(second, users, "INSERT INTO reform_shard.all (id) SELECT number FROM numbers(1000, 10)");
        Assert.True(await EventuallyAsync(async () => await QueryAsync(first, users, "SELECT count() FROM reform_shard.all") == "1010"),
            "the rows queued for the other shard were never sent");

        await DownAndAssertNothingLeftAsync(expectedStopped: 2);
    }

    [Fact]
    public async Task Replicas_of_a_shard_each_hold_every_row_and_reach_their_private_ZooKeeper()
    {
        if (!ZooKeeperPackage.IsInstalled && !Environment.IsPrivilegedProcess)
        {
            Assert.Skip($"ZooKeeper is not installed and the tests do not run as root to install it: {ZooKeeperPackage.InstallCommand}");
        }

        var state = await _cluster.UpAsync(shards: 1, replicas: 2, "reform", progress: null, Cancel);
        var users = EngineUsers.LoadOrCreate(_layout.Secrets);
        var status = await _cluster.StatusAsync(Cancel);
        Assert.True(status.AllAlive);
        Assert.Equal("standalone", status.ZooKeeper?.Mode);
        Assert.NotEqual(2181, state.ZooKeeper!.Port);
        foreach (var node in state.Nodes)
        {
            Assert.Equal("1\t2", await QueryAsync(node, users, $"SELECT uniqExact(shard_num), uniqExact(replica_num) FROM system.clusters WHERE cluster = '{LocalCluster.Name}'"));
            await QueryAsync(node, users, "CREATE DATABASE reform_shard");
            await QueryAsync(node, users, "CREATE TABLE reform_shard.local (id UInt64) ENGINE = MergeTree ORDER BY id");
            await QueryAsync(node, users, $"CREATE TABLE reform_shard.all AS reform_shard.local ENGINE = Distributed({LocalCluster.Name}, reform_shard, local, id)");
        }

        // internal_replication is false: Distributed writes every row to both replicas, and reads each row once.
        await QueryAsync(state.Entry, users, "INSERT INTO reform_shard.all SELECT number FROM numbers(100) SETTINGS distributed_foreground_insert = 1");
        foreach (var node in state.Nodes)
        {
            Assert.Equal("100\t4950", await QueryAsync(node, users, "SELECT count(), sum(id) FROM reform_shard.local"));
            Assert.Equal("100", await QueryAsync(node, users, "SELECT count() FROM reform_shard.all"));
        }

        // Both replicas register a ReplicatedMergeTree table in ZooKeeper (they reach it, and the macros name them), but the
        // embedded engine serves no interserver endpoint, so the table stays read-only. When this insert starts to succeed,
        // check that the row appears on the other replica and switch internal_replication to true (ClusterConfig).
        foreach (var node in state.Nodes)
        {
            await QueryAsync(node, users, "CREATE TABLE reform_shard.replicated (id UInt64) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}') ORDER BY id");
        }

        Assert.True(await EventuallyAsync(async () => await QueryAsync(state.Entry, users, "SELECT total_replicas FROM system.replicas WHERE table = 'replicated'") == "2"),
            "the replicas did not both register in ZooKeeper");
        Assert.Equal("/clickhouse/tables/1/reform_shard/replicated\ts1-r2", await QueryAsync(state.Nodes[1], users, "SELECT zookeeper_path, replica_name FROM system.replicas"));
        // Without insert_keeper_max_retries = 0 the insert retries for over two minutes before giving the same answer.
        var insert = await Assert.ThrowsAsync<HttpRequestException>(() =>
            QueryAsync(state.Entry, users, "INSERT INTO reform_shard.replicated SETTINGS insert_keeper_max_retries = 0 VALUES (1)"));
        Assert.Contains("TABLE_IS_READ_ONLY", insert.Message, StringComparison.Ordinal);

        await DownAndAssertNothingLeftAsync(expectedStopped: 3);
    }

    [Fact]
    public async Task A_second_up_on_a_running_cluster_refuses_and_starts_nothing()
    {
        var state = await _cluster.UpAsync(shards: 1, replicas: 1, "reform", progress: null, Cancel);

        var second = await Assert.ThrowsAsync<ClusterException>(() => _cluster.UpAsync(shards: 2, replicas: 1, "reform", progress: null, Cancel));

        Assert.Contains("đang chạy (s1-r1)", second.Message, StringComparison.Ordinal);
        Assert.Equal([1], ClusterState.Read(_layout.StateFile)!.Nodes.Select(n => n.Shard));
        Assert.Equal(state.Entry, ClusterState.Read(_layout.StateFile)!.Entry);
        Assert.False(Directory.Exists(_layout.Node(ClusterLayout.NodeName(2, 1)).Root));
        await DownAndAssertNothingLeftAsync(expectedStopped: 1);
    }

    [Fact]
    public async Task Up_again_after_down_keeps_the_data_and_the_connection_string()
    {
        var first = await _cluster.UpAsync(shards: 1, replicas: 1, "reform", progress: null, Cancel);
        var users = EngineUsers.LoadOrCreate(_layout.Secrets);
        await QueryAsync(first.Entry, users, "CREATE DATABASE kept");
        await QueryAsync(first.Entry, users, "CREATE TABLE kept.t (id UInt8) ENGINE = MergeTree ORDER BY id");
        await QueryAsync(first.Entry, users, "INSERT INTO kept.t VALUES (7)");
        await DownAndAssertNothingLeftAsync(expectedStopped: 1);

        var second = await _cluster.UpAsync(shards: 1, replicas: 1, "reform", progress: null, Cancel);

        Assert.Equal(LocalCluster.ConnectionString(first, users), LocalCluster.ConnectionString(second, users));
        Assert.Equal("7", await QueryAsync(second.Entry, users, "SELECT id FROM kept.t"));
        await DownAndAssertNothingLeftAsync(expectedStopped: 1);
    }

    public async ValueTask DisposeAsync()
    {
        // A failed test must not leave engines running on the shared machine.
        await _cluster.DownAsync(purge: true, progress: null, CancellationToken.None);
    }

    private async Task DownAndAssertNothingLeftAsync(int expectedStopped)
    {
        var state = ClusterState.Read(_layout.StateFile)!;
        Assert.Equal(expectedStopped, await _cluster.DownAsync(purge: false, progress: null, Cancel));

        Assert.All(state.Nodes, node => Assert.False(node.IsRunning, $"{node.Name} still holds its data directory"));
        Assert.All(state.Nodes, node => Assert.Contains("Engine stopped cleanly", File.ReadAllText(node.Layout.LogFile), StringComparison.Ordinal));
        Assert.False(state.ZooKeeper?.IsRunning ?? false, "ZooKeeper still runs");
        Assert.Empty(ProcessesMentioning(_layout.Root));
        Assert.False((await _cluster.StatusAsync(Cancel)).AnyRunning);
    }

    /// <summary>Live processes whose command line names the directory (engines and ZooKeeper all do); zombies are gone.</summary>
    private static List<string> ProcessesMentioning(string directory) =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .Select(pid => (Pid: pid!, CommandLine: Read($"/proc/{pid}/cmdline").Replace('\0', ' ')))
            .Where(p => p.CommandLine.Contains(directory, StringComparison.Ordinal)
                && Lease.Probe(int.Parse(p.Pid, CultureInfo.InvariantCulture)).State == ProcessState.Running)
            .Select(p => $"{p.Pid}: {p.CommandLine}")
            .ToList();

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    private static async Task<string> QueryAsync(ClusterNode node, EngineUsers users, string sql) =>
        (await EngineControl.QueryAsync(node.HttpPort, sql, users, Cancel)).TrimEnd('\n');

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100, Cancel);
        }

        return true;
    }
}
