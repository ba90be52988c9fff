using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Reports.Excel;
using ReformMetrics.Reports.OfficialForm;
using Spectre.Console;

namespace ReformMetrics.Cli.Bench;

/// <summary>
/// `reform bench reports`: the monthly pack for all 34 provinces (today the official form in Excel per province and the
/// all-provinces workbook; the PDF bulletin joins it with the rest of the reports issue), timed as a whole and per file,
/// against the baseline of computing the same figures without writing any file, in the same run. Answers are computed
/// without the answer cache, as a scheduled run after a refresh would find them.
/// </summary>
internal static class ReportsBenchmark
{
    public static async Task<int> RunAsync(CliHost cli, Period month, CancellationToken cancellationToken)
    {
        var names = await ReferenceNames.LoadAsync(cli.Store, cancellationToken);
        var provinces = names.ProvinceCodes(2025).ToList();
        var kpi = cli.Services.GetRequiredService<KpiService>();
        var scratch = Directory.CreateTempSubdirectory("reform-bench-reports-").FullName;
        try
        {
            // Baseline: the figures the forms need (level, level × sector, total), computed and discarded.
            var baseline = Stopwatch.StartNew();
            foreach (var province in provinces)
            {
                var selection = new Selection { Period = month, Provinces = [province] };
                await kpi.GetAsync(selection, false, cancellationToken, useCache: false);
                await kpi.GetAsync(selection with { GroupBy = [Dimension.Level] }, false, cancellationToken, useCache: false);
                await kpi.GetAsync(selection with { GroupBy = [Dimension.Level, Dimension.Sector] }, false, cancellationToken, useCache: false);
            }

            baseline.Stop();
            var builder = new TthcResultsBuilder(new KpiService(cli.Store, Microsoft.Extensions.Logging.Abstractions.NullLogger<KpiService>.Instance), TimeProvider.System);
            var pack = Stopwatch.StartNew();
            long bytes = 0;
            foreach (var province in provinces)
            {
                var report = await builder.BuildAsync(month, 2025, province, FormLayout.LevelAndSector, cancellationToken);
                var path = Path.Combine(scratch, $"bieu-06-{province}-{month.Key}.xlsx");
                await using (var stream = File.Create(path))
                {
                    TthcResultsWorkbook.Write(report, stream);
                }

                bytes += new FileInfo(path).Length;
            }

            var all = await cli.Services.GetRequiredService<ProvincesReportBuilder>().BuildAsync(month, 2025, cancellationToken);
            var allPath = Path.Combine(scratch, $"tinh-thanh-{month.Key}.xlsx");
            await using (var stream = File.Create(allPath))
            {
                ProvincesWorkbook.Write(all, stream);
            }

            pack.Stop();
            var files = provinces.Count + 1;
            ConsoleUi.Out.WriteLine($"monthly pack {month.Label}: {files} Excel files ({provinces.Count} official forms + the all-provinces workbook), {pack.Elapsed.TotalSeconds:N1} s, {pack.Elapsed.TotalMilliseconds / files:N0} ms per file (target for the full pack with PDF: ≤ 30 s)");
            ConsoleUi.Out.WriteLine($"sizes: forms {bytes / provinces.Count / 1024.0:N1} KB each, all-provinces workbook {new FileInfo(allPath).Length / 1024.0:N0} KB");
            ConsoleUi.Out.WriteLine($"baseline, the same figures without files: {baseline.Elapsed.TotalSeconds:N1} s; ratio pack / baseline: {pack.Elapsed.TotalSeconds / baseline.Elapsed.TotalSeconds:N2}");
            return ReformCommand.Ok;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}
