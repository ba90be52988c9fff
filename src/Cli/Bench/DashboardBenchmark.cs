using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Dashboard.Access;
using ReformMetrics.Dashboard.Pages;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Metrics.Rankings;
using ReformMetrics.Metrics.Targets;
using Spectre.Console;

namespace ReformMetrics.Cli.Bench;

/// <summary>
/// `reform bench dashboard`: the data of the national overview page (cards with comparisons and targets, the ranking
/// with movement, every province's figures), as the page computes it. Cold: each request right after an ingest (an
/// empty answer cache); warm: requests while nothing was loaded (the cache answers). Against the baseline of one
/// trivial query to the store in the same run. Target: warm p95 ≤ 100 ms at 20M dossiers.
/// </summary>
internal static class DashboardBenchmark
{
    public static async Task<int> RunAsync(CliHost cli, Period period, int requests, CancellationToken cancellationToken)
    {
        var clock = TimeProvider.System;
        var filters = new PageFilters(period.Key, 2025);
        var selection = new Selection { Period = period };

        var baseline = new List<double>();
        for (var i = 0; i < requests; i++)
        {
            var watch = Stopwatch.StartNew();
            await cli.Store.PingAsync(cancellationToken);
            baseline.Add(watch.Elapsed.TotalMilliseconds);
        }

        var cold = new List<double>();
        for (var i = 0; i < requests; i++)
        {
            using var fresh = new KpiCache(cli.Store, clock);
            var watch = Stopwatch.StartNew();
            await Data(cli, fresh).OverviewAsync(selection, filters, null, cancellationToken);
            cold.Add(watch.Elapsed.TotalMilliseconds);
        }

        var warm = new List<double>();
        using (var shared = new KpiCache(cli.Store, clock))
        {
            var data = Data(cli, shared);
            await data.OverviewAsync(selection, filters, null, cancellationToken);
            for (var i = 0; i < requests; i++)
            {
                var watch = Stopwatch.StartNew();
                await data.OverviewAsync(selection, filters, null, cancellationToken);
                warm.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        var table = new Table().AddColumns("overview data, " + period.Label, "requests", "p50 ms", "p95 ms");
        foreach (var (label, list) in new[] { ("baseline: SELECT 1", baseline), ("cold (empty cache, after an ingest)", cold), ("warm (cached answers)", warm) })
        {
            var sorted = list.Order().ToList();
            table.AddRow(label, $"{sorted.Count}", $"{KpiBenchmark.Percentile(sorted, 0.5):N1}", $"{KpiBenchmark.Percentile(sorted, 0.95):N1}");
        }

        ConsoleUi.Out.Write(table);
        var warmP95 = KpiBenchmark.Percentile(warm.Order().ToList(), 0.95);
        ConsoleUi.Out.WriteLine($"warm p95 {warmP95:N1} ms (target ≤ 100 ms); ratio warm p95 / baseline p95: {warmP95 / KpiBenchmark.Percentile(baseline.Order().ToList(), 0.95):N2}; "
            + $"cold p95 / baseline p95: {KpiBenchmark.Percentile(cold.Order().ToList(), 0.95) / KpiBenchmark.Percentile(baseline.Order().ToList(), 0.95):N1}");
        return ReformCommand.Ok;
    }

    private static PageData Data(CliHost cli, KpiCache cache)
    {
        var kpi = new KpiService(cli.Store, NullLogger<KpiService>.Instance, cache);
        return new PageData(kpi, new RankingService(kpi), new TargetService(cli.Store), new ProvinceMap(cli.Store), TimeProvider.System);
    }
}
