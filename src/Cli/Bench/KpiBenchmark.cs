using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using Spectre.Console;

namespace ReformMetrics.Cli.Bench;

/// <summary>
/// `reform bench kpi`: the dashboard's overview (every province of the 2025 geography, one year, every metric) answered
/// from the pre-aggregates, timed with 1 and 16 concurrent clients, against the same answer computed from the dossier
/// state and from the raw events (v_dossier_state_live), in the same run on the same store. Prints p50 and p95 of each,
/// their ratios, and whether the answers are identical. Run it on a store loaded with `reform generate` and `reform
/// ingest` (the closing notes use 20,000,000 dossiers).
/// </summary>
internal static class KpiBenchmark
{
    public static async Task<int> RunAsync(CliHost cli, int? year, int queries, int rawRuns, int[] clients, int rawClients, CancellationToken cancellationToken)
    {
        await using (var connection = cli.Store.CreateConnection())
        {
            var dossiers = await connection.ExecuteScalarAsync<ulong>("SELECT count() FROM dossier_state WHERE status != 'incomplete'");
            var events = await connection.ExecuteScalarAsync<ulong>("SELECT count() FROM events");
            var lastYear = await connection.ExecuteScalarAsync<ushort>("SELECT toYear(max(received_at)) - 1 FROM dossier_state WHERE status != 'incomplete'");
            if (dossiers == 0)
            {
                throw new UsageException("Kho chưa có hồ sơ: nạp dữ liệu trước (reform demo, hoặc reform generate rồi reform ingest).");
            }

            year ??= Math.Max((int)lastYear, 2015);
            ConsoleUi.Info($"Kho có {dossiers:N0} hồ sơ, {events:N0} sự kiện; truy vấn tổng quan: 34 tỉnh, năm {year}, mọi chỉ số.");
        }

        var kpi = cli.Services.GetRequiredService<KpiService>();
        var overview = new Selection { Period = Period.Year(year.Value), GroupBy = [Dimension.Province] };
        var rows = new List<(string Path, int Clients, List<double> Latencies)>();
        var answers = new Dictionary<KpiSource, KpiResult>();

        async Task Measure(string label, KpiSource source, int concurrency, int count, bool cached = false)
        {
            var selection = overview with { Source = source };
            var latencies = new ConcurrentBag<double>();
            // A warm-up for the fast paths; the slow ones (minutes at national scale) are timed from their first run.
            var answerStopwatch = Stopwatch.StartNew();
            answers[source] = await kpi.GetAsync(selection, compare: false, cancellationToken, useCache: cached);
            if (source is KpiSource.LiveEvents or KpiSource.DossierState)
            {
                latencies.Add(answerStopwatch.Elapsed.TotalMilliseconds);
                count--;
            }

            var perClient = count <= 0 ? 0 : Math.Max(1, count / concurrency);
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
            {
                for (var i = 0; i < perClient; i++)
                {
                    var stopwatch = Stopwatch.StartNew();
                    await kpi.GetAsync(selection, compare: false, cancellationToken, useCache: cached);
                    latencies.Add(stopwatch.Elapsed.TotalMilliseconds);
                }
            }, cancellationToken)));
            rows.Add((label, concurrency, latencies.Order().ToList()));
            ConsoleUi.Info($"{label}, {concurrency} luồng: {latencies.Count} truy vấn, p50 {Percentile(latencies.Order().ToList(), 0.5):N1} ms");
        }

        foreach (var c in clients)
        {
            await Measure("pre-aggregates (kpi_monthly)", KpiSource.Monthly, c, Math.Max(queries, c * 10));
        }

        foreach (var c in clients)
        {
            await Measure("pre-aggregates + answer cache", KpiSource.Monthly, c, Math.Max(queries, c * 10), cached: true);
        }

        await Measure("dossier state", KpiSource.DossierState, 1, rawRuns);
        await Measure("raw events (v_dossier_state_live)", KpiSource.LiveEvents, rawClients, Math.Max(rawRuns, rawClients));

        var table = new Table().Border(TableBorder.Rounded).AddColumn("path").AddColumn(new TableColumn("clients").RightAligned())
            .AddColumn(new TableColumn("queries").RightAligned()).AddColumn(new TableColumn("p50 ms").RightAligned()).AddColumn(new TableColumn("p95 ms").RightAligned());
        foreach (var (path, c, latencies) in rows)
        {
            table.AddRow(path, $"{c}", $"{latencies.Count}", $"{Percentile(latencies, 0.5):N1}", $"{Percentile(latencies, 0.95):N1}");
        }

        ConsoleUi.Out.Write(table);
        var aggregate1 = rows.First(r => r.Path.StartsWith("pre-aggregates (", StringComparison.Ordinal) && r.Clients == clients.Min()).Latencies;
        var aggregateMax = rows.Last(r => r.Path.StartsWith("pre-aggregates (", StringComparison.Ordinal)).Latencies;
        var cachedMax = rows.Last(r => r.Path.StartsWith("pre-aggregates +", StringComparison.Ordinal)).Latencies;
        var raw = rows.Single(r => r.Path.StartsWith("raw", StringComparison.Ordinal)).Latencies;
        var state = rows.Single(r => r.Path.StartsWith("dossier", StringComparison.Ordinal)).Latencies;
        ConsoleUi.Out.WriteLine($"ratio p50 pre-aggregates / raw events ({clients.Min()} client): {Percentile(aggregate1, 0.5) / Percentile(raw, 0.5):N4} (target ≤ 0,10)");
        ConsoleUi.Out.WriteLine($"ratio p50 pre-aggregates / dossier state: {Percentile(aggregate1, 0.5) / Percentile(state, 0.5):N4}");
        ConsoleUi.Out.WriteLine($"p95 pre-aggregates with {clients.Max()} clients: computed {Percentile(aggregateMax, 0.95):N1} ms, with the answer cache {Percentile(cachedMax, 0.95):N1} ms (target ≤ 100 ms)");
        var identical = Same(answers[KpiSource.Monthly], answers[KpiSource.LiveEvents]) && Same(answers[KpiSource.Monthly], answers[KpiSource.DossierState]);
        ConsoleUi.Out.WriteLine($"answers identical on every province and metric: {(identical ? "yes" : "NO")}");
        return identical ? ReformCommand.Ok : ReformCommand.Failure;
    }

    private static bool Same(KpiResult a, KpiResult b) =>
        a.Groups.Count == b.Groups.Count && a.Groups.Zip(b.Groups).All(p =>
            p.First.Code(Dimension.Province) == p.Second.Code(Dimension.Province)
            && MetricCatalogue.All.All(m => p.First[m] is not { } x ? p.Second[m] is null : p.Second[m] is { } y && Math.Abs(x - y) < 1e-9));

    internal static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
}
