using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Metrics.Rankings;
using ReformMetrics.Metrics.Targets;
using ReformMetrics.Reports;
using ReformMetrics.Reports.Bulletin;
using ReformMetrics.Reports.Excel;
using ReformMetrics.Reports.OfficialForm;
using ReformMetrics.Store;
using Spectre.Console;

namespace ReformMetrics.Cli.Bench;

/// <summary>
/// `reform bench reports`: the monthly pack for all 34 provinces (per province the official form in Excel and in PDF and
/// the PDF bulletin, plus the all-provinces workbook), timed as a whole and per file, against the baseline of gathering
/// the same figures without drawing any file, in the same run. Each phase starts with an empty answer cache, as a
/// scheduled run after an ingest would; within a phase, answers shared by provinces (the ranking) are computed once, as
/// in the scheduler.
/// </summary>
internal static class ReportsBenchmark
{
    public static async Task<int> RunAsync(CliHost cli, Period month, CancellationToken cancellationToken)
    {
        var names = await ReferenceNames.LoadAsync(cli.Store, cancellationToken);
        var provinces = names.ProvinceCodes(2025).ToList();
        var scratch = Directory.CreateTempSubdirectory("reform-bench-reports-").FullName;
        try
        {
            // The baseline runs before and after the pack, so that neither side alone profits from a warmer engine.
            var before = await BaselineAsync(cli.Store, provinces, month, cancellationToken);
            var sizes = new Dictionary<string, List<long>>(StringComparer.Ordinal);
            var pack = Stopwatch.StartNew();
            using (var cache = new KpiCache(cli.Store, TimeProvider.System))
            {
                var (forms, bulletins, all) = Builders(cli.Store, cache);
                var generator = new ReportGenerator(forms, all, bulletins);
                foreach (var province in provinces)
                {
                    foreach (var (form, format) in new[] { ("tthc-results", "xlsx"), ("tthc-results", "pdf"), ("bulletin", "pdf") })
                    {
                        var request = new ReportRequest(form, format, month, 2025, province);
                        var path = Path.Combine(scratch, request.FileName);
                        await generator.WriteAsync(request, path, cancellationToken);
                        Add(sizes, $"{form}.{format}", new FileInfo(path).Length);
                    }
                }

                var workbook = new ReportRequest("provinces", "xlsx", month, 2025, null);
                await generator.WriteAsync(workbook, Path.Combine(scratch, workbook.FileName), cancellationToken);
                Add(sizes, "provinces.xlsx", new FileInfo(Path.Combine(scratch, workbook.FileName)).Length);
            }

            pack.Stop();
            var after = await BaselineAsync(cli.Store, provinces, month, cancellationToken);
            var baseline = (before + after) / 2;
            var files = sizes.Values.Sum(s => s.Count);
            ConsoleUi.Out.WriteLine($"monthly pack {month.Label}: {files} files for {provinces.Count} provinces (official form xlsx + pdf and the PDF bulletin each, and the all-provinces workbook)");
            ConsoleUi.Out.WriteLine($"pack: {pack.Elapsed.TotalSeconds:N1} s, {pack.Elapsed.TotalMilliseconds / files:N0} ms per file (target ≤ 30 s)");
            foreach (var (kind, list) in sizes)
            {
                ConsoleUi.Out.WriteLine($"  {kind}: {list.Count} files, {list.Average() / 1024:N0} KB each on average");
            }

            ConsoleUi.Out.WriteLine($"baseline, the same figures without files: {before.TotalSeconds:N1} s before the pack, {after.TotalSeconds:N1} s after; ratio pack / mean baseline: {pack.Elapsed / baseline:N2}");
            return ReformCommand.Ok;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static async Task<TimeSpan> BaselineAsync(ClickHouseStore store, IReadOnlyList<string> provinces, Period month, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var cache = new KpiCache(store, TimeProvider.System);
        var (forms, bulletins, all) = Builders(store, cache);
        foreach (var province in provinces)
        {
            await forms.BuildAsync(month, 2025, province, FormLayout.LevelAndSector, cancellationToken);
            await bulletins.BuildAsync(month, 2025, province, cancellationToken);
        }

        await all.BuildAsync(month, 2025, cancellationToken);
        return watch.Elapsed;
    }

    private static (TthcResultsBuilder Forms, BulletinBuilder Bulletins, ProvincesReportBuilder All) Builders(ClickHouseStore store, KpiCache cache)
    {
        var kpi = new KpiService(store, NullLogger<KpiService>.Instance, cache);
        var forms = new TthcResultsBuilder(kpi, TimeProvider.System);
        var rankings = new RankingService(kpi);
        return (forms, new BulletinBuilder(kpi, rankings, new TargetService(store), forms, TimeProvider.System), new ProvincesReportBuilder(kpi, rankings, TimeProvider.System));
    }

    private static void Add(Dictionary<string, List<long>> sizes, string kind, long bytes)
    {
        if (!sizes.TryGetValue(kind, out var list))
        {
            sizes[kind] = list = [];
        }

        list.Add(bytes);
    }
}
