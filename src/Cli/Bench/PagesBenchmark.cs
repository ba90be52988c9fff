using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Dashboard.Access;
using ReformMetrics.Dashboard.Pages;
using ReformMetrics.Dashboard.Users;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Metrics.Query.Mirror;
using ReformMetrics.Metrics.Rankings;
using ReformMetrics.Metrics.Targets;
using Spectre.Console;

namespace ReformMetrics.Cli.Bench;

/// <summary>
/// `reform bench pages`: the data of the national overview (34 provinces, every figure it shows) and of a province page
/// (cards, 766 index, monthly trend, the level, sector, channel and agency breakdowns, the ranking), gathered as the pages
/// gather them but with the answer cache off (every answer computed; only the data version and the reference names are
/// read at most once a second, as in `serve`), with 1 and 16 concurrent clients. Each province page request takes the
/// next province. Against two baselines measured in the same run with the same clients: a bare `SELECT 1` round trip,
/// and the questions the pages asked before issue 20 (every metric, one question after another: 3 for the overview, 9
/// for a province page); the same pages with the month rows read by a statement for each question (Kpi:RollupMirror
/// off); and with every formula evaluated by the engine (Kpi:InProcessFormulas off). The pages themselves are answered
/// from the rollup mirror, loaded whole first (its rows, load time and memory are printed).
/// Prints p50, p95 and p99, the ratios, and the CPU each request cost the engine and this process
/// (steadier than latencies on a shared machine). Target: p95 ≤ 100 ms with 16 clients at 20M dossiers.
/// </summary>
internal static class PagesBenchmark
{
    public static async Task<int> RunAsync(CliHost cli, Period period, int requests, int[] clients, bool before, CancellationToken cancellationToken)
    {
        await using (var connection = cli.Store.CreateConnection())
        {
            var dossiers = await connection.ExecuteScalarAsync<ulong>("SELECT count() FROM dossier_state WHERE status != 'incomplete'");
            if (dossiers == 0)
            {
                throw new UsageException("Kho chưa có hồ sơ: nạp dữ liệu trước (reform demo, hoặc reform generate rồi reform ingest).");
            }

            ConsoleUi.Info($"Kho có {dossiers:N0} hồ sơ; kỳ {period.Label}; bộ nhớ đệm câu trả lời: tắt.");
        }

        using var cache = new KpiCache(cli.Store, TimeProvider.System);
        // The month rows held in memory, loaded whole once (as `serve` does at its first question): how long and how much.
        using var mirror = new RollupMirror(cli.Store, NullLogger<RollupMirror>.Instance);
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        var loading = Stopwatch.StartNew();
        await mirror.UpdateAsync(cancellationToken);
        ConsoleUi.Info($"Bản sao số liệu tổng hợp theo tháng: {mirror.Rows:N0} dòng, nạp trong {loading.Elapsed.TotalMilliseconds:N0} ms, "
            + $"{(GC.GetTotalMemory(forceFullCollection: true) - heap) / 1048576.0:N0} MB bộ nhớ.");

        // The process's read gate, as in `serve`: requests beyond its places wait for one.
        var kpi = new KpiService(cli.Store, NullLogger<KpiService>.Instance, cache)
        {
            CacheAnswers = false, ReadGate = cli.Services.GetRequiredService<KpiReadGate>(), RollupMirror = mirror,
        };
        var rankings = new RankingService(kpi);
        var data = new PageData(kpi, rankings, new TargetService(cli.Store, cache), new ProvinceMap(cli.Store), TimeProvider.System);

        // The same pages with the month rows read by a statement for each question (Kpi:RollupMirror off).
        var statementKpi = new KpiService(cli.Store, NullLogger<KpiService>.Instance, cache) { CacheAnswers = false, ReadGate = kpi.ReadGate };
        var statementData = new PageData(statementKpi, new RankingService(statementKpi), new TargetService(cli.Store, cache), new ProvinceMap(cli.Store), TimeProvider.System);

        // The same pages with every formula evaluated by the engine (Kpi:InProcessFormulas off): the baseline of the
        // in-process evaluation, measured in the same run.
        var engineKpi = new KpiService(cli.Store, NullLogger<KpiService>.Instance, cache) { CacheAnswers = false, ReadGate = kpi.ReadGate, InProcessFormulas = false };
        var engineData = new PageData(engineKpi, new RankingService(engineKpi), new TargetService(cli.Store, cache), new ProvinceMap(cli.Store), TimeProvider.System);
        var filters = new PageFilters(period.Key, 2025);
        var selection = new Selection { Period = period };
        var scope = new AccessScope("bench", Role.National, null);

        // Warm-up (and the provinces with figures, visited in turn).
        var overview = await data.OverviewAsync(selection, filters, null, cancellationToken);
        var provinces = overview.Ranking.Units.Select(u => u.Code).ToArray();
        if (provinces.Length == 0)
        {
            throw new UsageException($"Không có số liệu trong kỳ {period.Label}: chọn kỳ khác bằng --period.");
        }

        await data.ProvinceAsync(scope, selection, filters, provinces[0], cancellationToken);
        var next = -1;
        string Province() => provinces[(int)((uint)Interlocked.Increment(ref next) % (uint)provinces.Length)];

        var rows = new List<(string Page, int Clients, Measured Result)>();
        foreach (var c in clients)
        {
            var count = Math.Max(requests, c * 3);
            rows.Add(("SELECT 1", c, await MeasureAsync(cli, c, count, () => Ping(cli, cancellationToken), cancellationToken)));
            rows.Add(("overview", c, await MeasureAsync(cli, c, count, () => data.OverviewAsync(selection, filters, null, cancellationToken), cancellationToken)));
            rows.Add(("province page", c, await MeasureAsync(cli, c, count, () => data.ProvinceAsync(scope, selection, filters, Province(), cancellationToken), cancellationToken)));
            rows.Add(("overview, month rows by statement", c,
                await MeasureAsync(cli, c, count, () => statementData.OverviewAsync(selection, filters, null, cancellationToken), cancellationToken)));
            rows.Add(("province page, month rows by statement", c,
                await MeasureAsync(cli, c, count, () => statementData.ProvinceAsync(scope, selection, filters, Province(), cancellationToken), cancellationToken)));
            rows.Add(("overview, engine formulas", c, await MeasureAsync(cli, c, count, () => engineData.OverviewAsync(selection, filters, null, cancellationToken), cancellationToken)));
            rows.Add(("province page, engine formulas", c,
                await MeasureAsync(cli, c, count, () => engineData.ProvinceAsync(scope, selection, filters, Province(), cancellationToken), cancellationToken)));
            if (before)
            {
                rows.Add(("overview, before", c, await MeasureAsync(cli, c, count, () => OverviewBefore(kpi, selection, cancellationToken), cancellationToken)));
                rows.Add(("province page, before", c, await MeasureAsync(cli, c, count, () => ProvinceBefore(kpi, selection, Province(), cancellationToken), cancellationToken)));
            }
        }

        // The engine's CPU per request (its threads' user and system time, from system.events: background merges
        // included, none expected on a quiet store) and this process's: on a shared machine the latencies move with the
        // other work, these much less.
        var table = new Table().Border(TableBorder.Rounded).AddColumn("data of").AddColumn(new TableColumn("clients").RightAligned())
            .AddColumn(new TableColumn("requests").RightAligned()).AddColumn(new TableColumn("p50 ms").RightAligned())
            .AddColumn(new TableColumn("p95 ms").RightAligned()).AddColumn(new TableColumn("p99 ms").RightAligned())
            .AddColumn(new TableColumn("p95 / SELECT 1").RightAligned()).AddColumn(new TableColumn("engine CPU ms").RightAligned())
            .AddColumn(new TableColumn("client CPU ms").RightAligned()).AddColumn(new TableColumn("allocated KB").RightAligned())
            .AddColumn(new TableColumn("GC pause ms").RightAligned());
        foreach (var (page, c, result) in rows)
        {
            var (latencies, engine, client, allocated, paused) = result;
            var ping = rows.Single(r => r.Page == "SELECT 1" && r.Clients == c).Result.Latencies;
            table.AddRow(page, $"{c}", $"{latencies.Count}", $"{KpiBenchmark.Percentile(latencies, 0.5):N1}", $"{KpiBenchmark.Percentile(latencies, 0.95):N1}",
                $"{KpiBenchmark.Percentile(latencies, 0.99):N1}", $"{KpiBenchmark.Percentile(latencies, 0.95) / KpiBenchmark.Percentile(ping, 0.95):N1}",
                engine is { } e ? $"{e:N1}" : "—", $"{client:N1}", $"{allocated:N0}", $"{paused:N2}");
        }

        ConsoleUi.Out.Write(table);
        var most = clients.Max();
        foreach (var page in new[] { "overview", "province page" })
        {
            var now = rows.Single(r => r.Page == page && r.Clients == most).Result.Latencies;
            var engine = rows.Single(r => r.Page == page + ", engine formulas" && r.Clients == most).Result;
            var statement = rows.Single(r => r.Page == page + ", month rows by statement" && r.Clients == most).Result;
            var line = $"{page}: p95 with {most} clients {KpiBenchmark.Percentile(now, 0.95):N1} ms (target ≤ 100 ms without the answer cache)"
                + $"; ratio p95 mirror / month rows by statement: {KpiBenchmark.Percentile(now, 0.95) / KpiBenchmark.Percentile(statement.Latencies, 0.95):N3}"
                + $"; mirror / engine formulas: {KpiBenchmark.Percentile(now, 0.95) / KpiBenchmark.Percentile(engine.Latencies, 0.95):N3}";
            if (before)
            {
                var then = rows.Single(r => r.Page == page + ", before" && r.Clients == most).Result.Latencies;
                line += $"; ratio p95 now / before: {KpiBenchmark.Percentile(now, 0.95) / KpiBenchmark.Percentile(then, 0.95):N3}";
            }

            ConsoleUi.Out.WriteLine(line);
        }

        return ReformCommand.Ok;
    }

    /// <summary>Latencies, and per request: the engine's and this process's CPU, the bytes allocated (KB) and the time the
    /// collector paused the process (what the allocations cost besides their own work).</summary>
    private sealed record Measured(List<double> Latencies, double? EngineCpu, double ClientCpu, double AllocatedKb, double GcPauseMs);

    private static async Task<Measured> MeasureAsync(CliHost cli, int clients, int count, Func<Task> request, CancellationToken cancellationToken)
    {
        var engineBefore = await EngineCpuAsync(cli, cancellationToken);
        var clientBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var (allocatedBefore, pausedBefore) = (GC.GetTotalAllocatedBytes(), GC.GetTotalPauseDuration());
        var latencies = new ConcurrentBag<double>();
        var perClient = Math.Max(1, count / clients);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < perClient; i++)
            {
                var stopwatch = Stopwatch.StartNew();
                await request();
                latencies.Add(stopwatch.Elapsed.TotalMilliseconds);
            }
        }, cancellationToken)));
        var clientCpu = (Process.GetCurrentProcess().TotalProcessorTime - clientBefore).TotalMilliseconds / latencies.Count;
        var allocated = (GC.GetTotalAllocatedBytes() - allocatedBefore) / 1024.0 / latencies.Count;
        var paused = (GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds / latencies.Count;
        var engineAfter = await EngineCpuAsync(cli, cancellationToken);
        return new Measured(latencies.Order().ToList(), engineBefore is { } b && engineAfter is { } a ? (a - b) / 1000.0 / latencies.Count : null, clientCpu, allocated, paused);
    }

    /// <summary>The engine's CPU time so far in microseconds (null where system.events cannot be read).</summary>
    private static async Task<double?> EngineCpuAsync(CliHost cli, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = cli.Store.CreateConnection();
            return await connection.ExecuteScalarAsync<double>(new CommandDefinition(
                "SELECT toFloat64(sum(value)) FROM system.events WHERE event IN ('UserTimeMicroseconds', 'SystemTimeMicroseconds')", cancellationToken: cancellationToken));
        }
        catch (ClickHouse.Driver.ClickHouseServerException)
        {
            return null;
        }
    }

    private static async Task Ping(CliHost cli, CancellationToken cancellationToken)
    {
        await using var connection = cli.Store.CreateConnection();
        await connection.ExecuteScalarAsync<byte>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken));
    }

    /// <summary>The overview's questions before issue 20: every metric, one after another.</summary>
    private static async Task OverviewBefore(KpiService kpi, Selection selection, CancellationToken cancellationToken)
    {
        await kpi.GetAsync(selection, compare: true, cancellationToken);
        await kpi.GetAsync(RankingService.Question(selection, Dimension.Province), compare: true, cancellationToken);
        await kpi.GetAsync(selection with { GroupBy = [Dimension.Province] }, compare: false, cancellationToken);
    }

    /// <summary>A province page's questions before issue 20: every metric, one after another.</summary>
    private static async Task ProvinceBefore(KpiService kpi, Selection selection, string code, CancellationToken cancellationToken)
    {
        var own = selection with { Provinces = [code] };
        await kpi.GetAsync(own, compare: true, cancellationToken);
        await kpi.GetAsync(own with { GroupBy = [Dimension.Province] }, compare: false, cancellationToken);
        var trend = Period.Range(new DateOnly(own.Period.End.Year, own.Period.End.Month, 1).AddMonths(-11), own.Period.Nominal.End);
        await kpi.GetAsync(own with { Period = trend, Grain = TimeGrain.Month }, compare: false, cancellationToken);
        foreach (var by in new[] { Dimension.Level, Dimension.Sector, Dimension.Channel, Dimension.Agency })
        {
            await kpi.GetAsync(own with { GroupBy = [by] }, compare: false, cancellationToken);
        }

        await kpi.GetAsync(RankingService.Question(selection, Dimension.Province), compare: true, cancellationToken);
        await kpi.GetAsync(own, compare: false, cancellationToken);
    }
}
