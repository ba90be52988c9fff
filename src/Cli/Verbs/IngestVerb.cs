using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ReformMetrics.Ingest;
using ReformMetrics.Store.Refresh;
using Spectre.Console;

namespace ReformMetrics.Cli.Verbs;

/// <summary>
/// `reform ingest PATH...`: loads event files (CSV or NDJSON, optionally gzipped) or folders of them, exactly once,
/// then refreshes the dossier state and aggregates. Exit 0 when every file was processed (rejected rows
/// included), 1 when a file could not be read or the store failed, 2 when a path does not exist.
/// </summary>
internal static class IngestVerb
{
    private static readonly string[] Patterns = ["*.csv", "*.ndjson", "*.jsonl", "*.csv.gz", "*.ndjson.gz", "*.jsonl.gz"];

    public static Command Create()
    {
        var paths = new Argument<string[]>("path") { Arity = ArgumentArity.OneOrMore, Description = "Tệp sự kiện hoặc thư mục chứa tệp (.csv, .ndjson, .jsonl, có thể nén .gz)" };
        var noRefresh = new Option<bool>("--no-refresh") { Description = "Không tính lại trạng thái hồ sơ và số liệu tổng hợp sau khi nạp" };
        var command = new Command("ingest", "Nạp tệp sự kiện hồ sơ vào kho dữ liệu, mỗi sự kiện đúng một lần.") { paths, noRefresh };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var files = Expand(parse.GetRequiredValue(paths));
            await using var cli = await CliHost.StartAsync(parse, cancellationToken);
            var results = await RunAsync(cli, files, cancellationToken);
            PrintSummary(results);
            if (!parse.GetValue(noRefresh) && results.Any(r => r.Accepted > 0))
            {
                await RefreshAsync(cli, cancellationToken);
            }

            return PrintFailures(results) ? ReformCommand.Failure : ReformCommand.Ok;
        });
        return command;
    }

    /// <summary>Loads the files in order with one progress line for the whole run.</summary>
    public static async Task<List<IngestResult>> RunAsync(CliHost cli, IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        var ingestor = cli.Services.GetRequiredService<InputIngestor>();
        var results = new List<IngestResult>();
        var totalBytes = Math.Max(files.Sum(f => new FileInfo(f).Length), 1);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await ConsoleUi.Error.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                // One line for the whole run: a line per file would redraw hundreds of lines on every refresh.
                var task = context.AddTask("Nạp dữ liệu", maxValue: totalBytes);
                long doneBytes = 0, doneRows = 0;
                foreach (var (file, index) in files.Select((f, i) => (f, i + 1)))
                {
                    var label = $"Tệp {index:N0}/{files.Count:N0} {Path.GetFileName(file)}";
                    var progress = new SynchronousProgress<IngestProgress>(p =>
                    {
                        task.Value = doneBytes + p.BytesRead;
                        task.Description = Markup.Escape($"{label}: {doneRows + p.Rows:N0} dòng, {(doneRows + p.Rows) / Math.Max(clock.Elapsed.TotalSeconds, 0.001):N0} dòng/giây");
                    });
                    task.Description = Markup.Escape(label);
                    IngestResult result;
                    try
                    {
                        result = await ingestor.IngestFileAsync(file, progress, cancellationToken);
                    }
                    catch (Exception ex)
                    {
                        var during = $"trong khi nạp {Path.GetFileName(file)} (tệp {index:N0}/{files.Count:N0}; {results.Count:N0} tệp đã nạp xong)";
                        throw await LoadFailure.DescribeAsync(ex, cli.Store, during, cancellationToken);
                    }

                    doneBytes += new FileInfo(file).Length;
                    doneRows += result.Rows;
                    task.Value = doneBytes;
                    results.Add(result);
                }

                task.Description = Markup.Escape($"{files.Count:N0} tệp, {doneRows:N0} dòng, {doneRows / Math.Max(clock.Elapsed.TotalSeconds, 0.001):N0} dòng/giây");
            });

        return results;
    }

    public static async Task RefreshAsync(CliHost cli, CancellationToken cancellationToken)
    {
        RefreshResult? refresh = null;
        try
        {
            await ConsoleUi.WithStatusAsync("Đang tính trạng thái hồ sơ và số liệu tổng hợp", async _ =>
                refresh = await cli.Services.GetRequiredService<DossierRefresher>().RefreshAsync(cancellationToken));
        }
        catch (Exception ex)
        {
            // The events are stored: only the refresh is left to do.
            throw await LoadFailure.DescribeAsync(ex, cli.Store, "khi tính lại trạng thái hồ sơ sau khi nạp", cancellationToken,
                then: "chạy \"reform refresh\" để tính lại trạng thái hồ sơ và số liệu tổng hợp (mọi sự kiện đã nạp vẫn được giữ)");
        }

        ConsoleUi.Info($"Đã cập nhật trạng thái {refresh!.Dossiers:N0} hồ sơ của {refresh.Cohorts.Count} tháng tiếp nhận.");
    }

    /// <summary>Says on stderr which files could not be loaded and why (the summary on stdout has them too); true when any.</summary>
    public static bool PrintFailures(List<IngestResult> results)
    {
        var failed = results.Where(r => r.Failed).ToList();
        foreach (var result in failed)
        {
            ConsoleUi.Fail($"Không nạp được tệp {result.Source}: {result.Failure} Sửa tệp rồi chạy lại lệnh (các tệp đã nạp sẽ được bỏ qua).");
        }

        return failed.Count > 0;
    }

    public static List<string> Expand(string[] paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                files.Add(path);
            }
            else if (Directory.Exists(path))
            {
                // The rejects files written beside loaded files are reports, not inputs.
                files.AddRange(Patterns.SelectMany(p => Directory.EnumerateFiles(path, p)).Distinct()
                    .Where(f => !f.EndsWith(".rejects.csv", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
            }
            else
            {
                throw new UsageException($"Không tìm thấy tệp hay thư mục \"{path}\".");
            }
        }

        return files.Count > 0 ? files : throw new UsageException("Không có tệp sự kiện nào (.csv, .ndjson, .jsonl, .gz) trong các đường dẫn đã cho.");
    }

    public static void PrintSummary(List<IngestResult> results)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Tệp").AddColumn(new TableColumn("Dòng").RightAligned()).AddColumn(new TableColumn("Nhận").RightAligned())
            .AddColumn(new TableColumn("Trùng").RightAligned()).AddColumn(new TableColumn("Loại").RightAligned()).AddColumn("Ghi chú");
        // With many files only those worth a look get a line of their own; the total still counts them all.
        var shown = results.Count <= 20 ? results : results.Where(r => !r.AlreadyLoaded && (r.Failed || r.Rejected > 0 || r.Duplicates > 0)).Take(30).ToList();
        foreach (var r in shown)
        {
            var note = r.Failure ?? (r.AlreadyLoaded ? "đã nạp trước đây, bỏ qua" : r.RejectsFile is { } rejects ? $"dòng bị loại: {rejects}" : string.Empty);
            table.AddRow(new Text(r.Source), new Text($"{r.Rows:N0}"), new Text($"{r.Accepted:N0}"), new Text($"{r.Duplicates:N0}"),
                new Text($"{r.Rejected:N0}"), new Text(note));
        }

        if (shown.Count < results.Count)
        {
            table.AddRow(new Text($"… {results.Count - shown.Count:N0} tệp khác"), new Text(string.Empty), new Text(string.Empty), new Text(string.Empty),
                new Text(string.Empty), new Text(string.Empty));
        }

        if (results.Count > 1)
        {
            table.AddRow(new Text($"Tổng ({results.Count:N0} tệp)"), new Text($"{results.Sum(r => r.Rows):N0}"), new Text($"{results.Sum(r => r.Accepted):N0}"),
                new Text($"{results.Sum(r => r.Duplicates):N0}"), new Text($"{results.Sum(r => r.Rejected):N0}"), new Text(string.Empty));
        }

        ConsoleUi.Out.Write(table);
        if (results.Count(r => r.AlreadyLoaded) is > 0 and var skipped)
        {
            ConsoleUi.Info($"{skipped:N0} tệp đã nạp trước đây, bỏ qua (nhận ra theo mã SHA-256 của nội dung).");
        }
    }
}
