using ClickHouse.Driver;
using ClickHouse.Driver.ADO;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Index766;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Metrics.Query.Mirror;
using ReformMetrics.Metrics.Rankings;
using ReformMetrics.Reports.OfficialForm;
using ReformMetrics.Store;
using ReformMetrics.Store.Cluster;
using ReformMetrics.Store.Embedded;
using ReformMetrics.Store.Migrations;
using ReformMetrics.Store.Refresh;
using ReformMetrics.Synthetic;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Cli.Tests;

/// <summary>
/// Issue 21 on real clusters of embedded engines (`reform cluster up`): the same generated files loaded into one node and
/// into a sharded store must give the same answers, exactly; and a replica killed with SIGKILL during a load loses and
/// doubles nothing, while the figures stay readable.
/// </summary>
public sealed class ShardedStoreTests(TestEngine engine) : IAsyncDisposable
{
    private static readonly Period Months = Period.Range(new DateOnly(2025, 4, 1), new DateOnly(2025, 9, 30));

    // The kill test's load: fewer months, so fewer files (one a province and month) to load through four nodes.
    private static readonly Period Quarter = Period.Range(new DateOnly(2025, 6, 1), new DateOnly(2025, 8, 31));
    private readonly ClusterLayout _layout = ClusterLayout.For(Directory.CreateTempSubdirectory("reform-sharded-").FullName);
    private readonly string _files = Directory.CreateTempSubdirectory("reform-sharded-files-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_metric_the_form_the_rankings_and_the_766_index_on_two_shards_equal_one_node()
    {
        Generate(2_500, seed: 5);
        await using var single = new TestDatabase(engine);
        await single.InitializeAsync();
        await Ingestors.LoadFolderAsync(single.Store, _files, Cancel);

        var (cluster, state) = await UpAsync(shards: 2, replicas: 1);
        await using var sharded = await OpenAsync(state);
        // The month rows held in memory, loaded while the store is empty, then followed through each shard's runs.
        using var mirror = new RollupMirror(sharded, NullLogger<RollupMirror>.Instance);
        await mirror.UpdateAsync(Cancel);
        await Ingestors.LoadFolderAsync(sharded, _files, Cancel);

        // The dossiers are split between the shards, every event of a dossier on one of them.
        var perShard = await CountsAsync(state);
        Assert.All(perShard, c => Assert.True(c.Events > 1_000, $"a shard holds only {c.Events} events"));
        Assert.Equal(await CountAsync(single.Store, "SELECT count() FROM events"), perShard.Aggregate(0UL, (sum, c) => sum + c.Events));
        Assert.Equal(0UL, await CountAsync(sharded, "SELECT count() FROM (SELECT dossier_id FROM events GROUP BY dossier_id HAVING uniqExact(_shard_num) > 1)"));

        var expected = await KpiSnapshot.TakeAsync(single.Store, Months, Cancel);
        var actual = await KpiSnapshot.TakeAsync(sharded, Months, Cancel);
        Assert.True(expected.Count > 10_000, $"only {expected.Count} values compared");
        var differences = KpiSnapshot.Differences(expected, actual);
        Assert.True(differences.Count == 0, $"{differences.Count} differences:\n{string.Join('\n', differences.Take(20))}");
        differences = KpiSnapshot.Differences(expected, await KpiSnapshot.TakeAsync(sharded, Months, Cancel, mirror: mirror));
        Assert.True(differences.Count == 0, $"{differences.Count} differences from the mirror:\n{string.Join('\n', differences.Take(20))}");
        Assert.True(mirror.Rows > 0, "the mirror holds no rows");

        foreach (var geo in new[] { 2025, 2008 })
        {
            foreach (var layout in new[] { FormLayout.LevelAndSector, FormLayout.Agency })
            {
                Assert.Equal(Form(await FormAsync(single.Store, geo, layout)), Form(await FormAsync(sharded, geo, layout)));
            }

            var selection = new Selection { Period = Months, Geo = geo };
            foreach (var metric in MetricCatalogue.All.Where(m => m.Family == MetricFamily.Dossiers && m.Better != Better.Neutral))
            {
                Assert.Equal(Ranked(await RankAsync(single.Store, selection, metric)), Ranked(await RankAsync(sharded, selection, metric)));
            }

            Assert.Equal(Scores(await IndexAsync(single.Store, selection)), Scores(await IndexAsync(sharded, selection)));
        }

        await TheAnalystReadsTheViewsAndNothingBehindThemAsync(single.Store, state);
        await cluster.DownAsync(purge: false, null, Cancel);
    }

    /// <summary>
    /// The analysts' views read Distributed tables. Their parts on the other shards must run with the view's rights, not the
    /// analyst's (ClickHouse sends a DEFINER view's remote parts as the analyst when nodes authenticate with a secret:
    /// ClickHouse issue 88009), and nothing behind the views may open to the analyst on any node.
    /// </summary>
    private async Task TheAnalystReadsTheViewsAndNothingBehindThemAsync(ClickHouseStore single, ClusterState state)
    {
        // Analysts connect to the service's node, which holds the bookkeeping and record tables (sql/README.md).
        var users = EngineUsers.LoadOrCreate(_layout.Secrets);
        await using (var analyst = new ClickHouseConnection(users.AnalystConnectionString(state.Entry.HttpPort, "reform")))
        {
            foreach (var view in AnalystViews)
            {
                var sql = $"SELECT count(), sum(cityHash64(*)) FROM {view}";
                await using var service = single.CreateConnection();
                var expected = await service.QuerySingleAsync<(ulong, ulong)>(new CommandDefinition(sql, cancellationToken: Cancel));
                // Agencies are loaded on the service's node only: were a view to look them up on each shard, the other
                // shard's agencies would be listed as unknown codes and the sums would differ.
                Assert.True(expected.Item1 > 0 || view is not ("v_dossiers" or "v_overdue_now" or "v_kpi_day" or "v_kpi_month"), $"{view} is empty on one node");
                Assert.Equal((view, expected), (view, await analyst.QuerySingleAsync<(ulong, ulong)>(new CommandDefinition(sql, cancellationToken: Cancel))));
            }
        }

        foreach (var node in state.Nodes)
        {
            await using var analyst = new ClickHouseConnection(users.AnalystConnectionString(node.HttpPort, "reform"));
            var other = state.Nodes.First(n => n != node);
            foreach (var sql in new[]
                     {
                         "SELECT count() FROM reform.events", "SELECT count() FROM reform_shard.events", "SELECT count() FROM reform_shard.dossier_state",
                         $"SELECT count() FROM cluster('{LocalCluster.Name}', reform_shard.events)",
                         $"SELECT count() FROM remote('127.0.0.1:{other.TcpPort}', reform_shard.events)",
                         $"SELECT count() FROM remote('127.0.0.1:{other.TcpPort}', reform_shard.events, 'reform_service', '')",
                     })
            {
                var refused = await Assert.ThrowsAsync<ClickHouseServerException>(() => analyst.ExecuteScalarAsync<ulong>(new CommandDefinition(sql, cancellationToken: Cancel)));
                Assert.True(refused.ErrorCode == 497, $"{node.Name}: {sql}: {refused.Message}");
            }
        }
    }

    private static readonly string[] AnalystViews =
        ["v_dossiers", "v_overdue_now", "v_kpi_day", "v_kpi_month", "v_unknown_codes", "v_incomplete_dossiers", "v_feedback", "v_tasks", "v_targets"];

    [Fact]
    public async Task A_replica_killed_during_a_load_loses_and_doubles_nothing_and_the_figures_stay_readable()
    {
        Generate(1_500, seed: 9, Quarter);
        await using var single = new TestDatabase(engine);
        await single.InitializeAsync();
        await Ingestors.LoadFolderAsync(single.Store, _files, Cancel);

        var (cluster, state) = await UpAsync(shards: 2, replicas: 2);
        await using var sharded = await OpenAsync(state);
        var victim = state.Nodes.Single(n => n.Shard == 2 && n.Replica == 2);
        var files = Directory.EnumerateFiles(_files, "*.csv").Order(StringComparer.Ordinal).ToList();
        var ingestor = Ingestors.Inputs(sharded);

        // One refresher for the whole test, as `reform serve` keeps one: it knows the victim from before the kill, and must
        // go on without it while it is down and refresh it again once it is back.
        await using var refresher = Refresher(sharded);
        for (var i = 0; i < files.Count; i++)
        {
            if (i == files.Count / 3)
            {
                await refresher.RefreshAsync(Cancel);
                var before = await ReceivedAsync(sharded);
                Assert.True(before > 0, "nothing counted before the replica was killed");

                // SIGKILL: the engine gets no chance to finish anything. A node found gone already is down all the same (what
                // is tested is the load and the figures with a replica down); its log goes to the test output to be looked at.
                var pid = EngineState.Read(victim.Layout.StateFile)?.Pid ?? victim.Pid;
                if (!victim.IsRunning || !Kill(pid))
                {
                    TestContext.Current.SendDiagnosticMessage(
                        $"node {victim.Name} had stopped before it was killed; its log ends with:\n{Tail(victim.Layout.LogFile)}");
                }

                await WaitUntilGoneAsync(victim);
                Assert.Equal(before, await ReceivedAsync(sharded));
            }

            await ingestor.IngestFileAsync(files[i], null, Cancel);
        }

        await refresher.RefreshAsync(Cancel);

        // A node other than the victim has been seen stopped at this point in a full CI run (stops 28 and 29, cause not
        // found): its log goes to the test output so that the next occurrence says why. The restart below brings it back.
        foreach (var node in state.Nodes.Where(n => n != victim && !n.IsRunning))
        {
            var message = $"node {node.Name} stopped without being killed; its log ends with:\n{Tail(node.Layout.LogFile)}";
            TestContext.Current.SendDiagnosticMessage(message);
            await Console.Error.WriteLineAsync(message);
        }

        state = await cluster.RestartStoppedAsync(Cancel);
        await refresher.RefreshAsync(Cancel);

        // Both replicas of each shard hold the same events, each once, and the same derived state.
        var counts = await CountsAsync(state);
        foreach (var shard in counts.GroupBy(c => c.Shard))
        {
            Assert.Single(shard.Select(c => (c.Events, c.Distinct, c.Dossiers)).Distinct());
            Assert.All(shard, c => Assert.Equal(c.Events, c.Distinct));
        }

        Assert.Equal(await CountAsync(single.Store, "SELECT uniqExact(dossier_id, event_id) FROM events"), counts.Where(c => c.Replica == 1).Aggregate(0UL, (sum, c) => sum + c.Events));
        var differences = KpiSnapshot.Differences(await KpiSnapshot.TakeAsync(single.Store, Quarter, Cancel), await KpiSnapshot.TakeAsync(sharded, Quarter, Cancel));
        Assert.True(differences.Count == 0, $"{differences.Count} differences:\n{string.Join('\n', differences.Take(20))}");
        await cluster.DownAsync(purge: false, null, Cancel);
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster().DownAsync(purge: true, null, CancellationToken.None);
        Directory.Delete(_files, recursive: true);
    }

    private void Generate(long dossiers, ulong seed, Period? period = null) =>
        new DossierGenerator().Generate(new GeneratorOptions(dossiers, (period ?? Months).Start, (period ?? Months).End, seed, _files, Noise: 0.05), null, Cancel);

    private LocalCluster Cluster() =>
        new(_layout, new EngineCache(EngineCache.DefaultRoot(), NullLogger.Instance), EngineHostCommand.Resolve(), NullLogger.Instance);

    private async Task<(LocalCluster Cluster, ClusterState State)> UpAsync(int shards, int replicas)
    {
        var cluster = Cluster();
        return (cluster, await cluster.UpAsync(shards, replicas, "reform", null, Cancel));
    }

    /// <summary>The service's store on the cluster, as `reform --clickhouse "<printed string>"` opens it, migrated.</summary>
    private async Task<ClickHouseStore> OpenAsync(ClusterState state)
    {
        var options = new ClickHouseOptions { ConnectionString = LocalCluster.ConnectionString(state, EngineUsers.LoadOrCreate(_layout.Secrets)) };
        options.TakeClusterKey();
        var store = new ClickHouseStore(Options.Create(options), NullLoggerFactory.Instance);
        await store.OpenAsync(null, Cancel);
        Assert.Equal(LocalCluster.Name, store.Cluster);
        await new MigrationRunner(store, NullLogger<MigrationRunner>.Instance).RunAsync(Migration.LoadEmbedded(), Cancel);
        return store;
    }

    private async Task<List<(int Shard, int Replica, ulong Events, ulong Distinct, ulong Dossiers)>> CountsAsync(ClusterState state)
    {
        var users = EngineUsers.LoadOrCreate(_layout.Secrets);
        var counts = new List<(int, int, ulong, ulong, ulong)>();
        foreach (var node in state.Nodes)
        {
            await using var store = new ClickHouseStore(
                Options.Create(new ClickHouseOptions { ConnectionString = users.ServiceConnectionString(node.HttpPort), Database = "reform_shard" }), NullLoggerFactory.Instance);
            await store.OpenAsync(null, Cancel);
            await using var connection = store.CreateConnection();
            var (events, distinct, dossiers) = await connection.QuerySingleAsync<(ulong, ulong, ulong)>(new CommandDefinition(
                "SELECT count(), uniqExact(dossier_id, event_id), (SELECT count() FROM dossier_state) FROM events", cancellationToken: Cancel));
            counts.Add((node.Shard, node.Replica, events, distinct, dossiers));
        }

        return counts;
    }

    private static async Task<ulong> CountAsync(ClickHouseStore store, string sql)
    {
        await using var connection = store.CreateConnection();
        return await connection.ExecuteScalarAsync<ulong>(new CommandDefinition(sql, cancellationToken: Cancel));
    }

    private static bool Kill(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill();
            return true;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
    }

    private static string Tail(string path) => File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(30)) : "(no log)";

    private static async Task WaitUntilGoneAsync(ClusterNode node)
    {
        for (var i = 0; i < 100 && node.IsRunning; i++)
        {
            await Task.Delay(100, Cancel);
        }

        Assert.False(node.IsRunning, $"node {node.Name} still runs after SIGKILL");
    }

    /// <summary>The dossiers received in the period, as the dashboard's overview asks for them (no answer cache).</summary>
    private static async Task<double?> ReceivedAsync(ClickHouseStore store) =>
        (await new KpiService(store, NullLogger<KpiService>.Instance).GetAsync(new Selection { Period = Quarter, Geo = 2025 }, compare: false, Cancel, useCache: false))
            .Groups.Single()[MetricCatalogue.Get("received_total")];

    private static DossierRefresher Refresher(ClickHouseStore store) => new(store, NullLogger<DossierRefresher>.Instance);

    private static Task<TthcResultsReport> FormAsync(ClickHouseStore store, int geo, FormLayout layout) =>
        new TthcResultsBuilder(new KpiService(store, NullLogger<KpiService>.Instance), TimeProvider.System).BuildAsync(Months, geo, null, layout, Cancel);

    private static string Form(TthcResultsReport report) => string.Join('\n', report.Rows.Select(r => $"{r.Number}|{r.Label}|{r.Depth}|{r.Figures}"));

    private static Task<RankingResult> RankAsync(ClickHouseStore store, Selection selection, MetricDefinition metric) =>
        new RankingService(new KpiService(store, NullLogger<KpiService>.Instance)).RankAsync(selection, metric, Dimension.Province, Cancel);

    private static string Ranked(RankingResult ranking) => string.Join('\n', ranking.Units.Select(u => $"{u.Code}|{u.Value}|{u.Rank}"));

    private static Task<Index766Result> IndexAsync(ClickHouseStore store, Selection selection) =>
        new Index766Service(new KpiService(store, NullLogger<KpiService>.Instance)).ComputeAsync(selection, Cancel);

    private static string Scores(Index766Result index) =>
        string.Join('\n', index.Units.Select(u => $"{string.Join(',', u.Keys.Select(k => k.Code))}|{u.Points}|{string.Join(',', u.Indicators.Select(i => $"{i.Rate}:{i.Points}"))}"));
}
