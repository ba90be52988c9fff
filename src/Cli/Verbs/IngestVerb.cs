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
            var ingestor = cli.Services.GetRequiredService<EventIngestor>();
            var results = new List<IngestResult>();
            await ConsoleUi.Error.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    foreach (var file in files)
                    {
                        var task = context.AddTask(Markup.Escape(Path.GetFileName(file)), maxValue: Math.Max(new FileInfo(file).Length, 1));
                        var progress = new SynchronousProgress<IngestProgress>(p =>
                        {
                            task.Value = p.BytesRead;
                            task.Description = Markup.Escape($"{Path.GetFileName(file)}: {p.Rows:N0} dòng, {p.Rows / Math.Max(p.Elapsed.TotalSeconds, 0.001):N0} dòng/giây");
                        });
                        var result = await ingestor.IngestFileAsync(file, progress, cancellationToken);
                        task.Value = task.MaxValue;
                        task.Description = Markup.Escape($"{Path.GetFileName(file)}: {result.Rows:N0} dòng");
                        results.Add(result);
                    }
                });

            PrintSummary(results);
            if (!parse.GetValue(noRefresh) && results.Any(r => r.Accepted > 0))
            {
                var refresh = await cli.Services.GetRequiredService<DossierRefresher>().RefreshAsync(cancellationToken);
                ConsoleUi.Info($"Đã cập nhật trạng thái {refresh.Dossiers:N0} hồ sơ của {refresh.Cohorts.Count} tháng tiếp nhận.");
            }

            return results.Any(r => r.Failed) ? ReformCommand.Failure : ReformCommand.Ok;
        });
        return command;
    }

    private static List<string> Expand(string[] paths)
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
                files.AddRange(Patterns.SelectMany(p => Directory.EnumerateFiles(path, p)).Distinct().Order(StringComparer.Ordinal));
            }
            else
            {
                throw new UsageException($"Không tìm thấy tệp hay thư mục \"{path}\".");
            }
        }

        return files.Count > 0 ? files : throw new UsageException("Không có tệp sự kiện nào (.csv, .ndjson, .jsonl, .gz) trong các đường dẫn đã cho.");
    }

    private static void PrintSummary(List<IngestResult> results)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Tệp").AddColumn(new TableColumn("Dòng").RightAligned()).AddColumn(new TableColumn("Nhận").RightAligned())
            .AddColumn(new TableColumn("Trùng").RightAligned()).AddColumn(new TableColumn("Loại").RightAligned()).AddColumn("Ghi chú");
        foreach (var r in results)
        {
            var note = r.Failure ?? (r.AlreadyLoaded ? "đã nạp trước đây, bỏ qua" : r.RejectsFile is { } rejects ? $"dòng bị loại: {rejects}" : string.Empty);
            table.AddRow(new Text(r.Source), new Text($"{r.Rows:N0}"), new Text($"{r.Accepted:N0}"), new Text($"{r.Duplicates:N0}"),
                new Text($"{r.Rejected:N0}"), new Text(note));
        }

        if (results.Count > 1)
        {
            table.AddRow(new Text("Tổng"), new Text($"{results.Sum(r => r.Rows):N0}"), new Text($"{results.Sum(r => r.Accepted):N0}"),
                new Text($"{results.Sum(r => r.Duplicates):N0}"), new Text($"{results.Sum(r => r.Rejected):N0}"), new Text(string.Empty));
        }

        ConsoleUi.Out.Write(table);
    }
}
