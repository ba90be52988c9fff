using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using ReformMetrics.Ingest;
using ReformMetrics.Ingest.Limits;
using ReformMetrics.Ingest.Loading;
using ReformMetrics.Store.Refresh;
using Spectre.Console;

namespace ReformMetrics.Cli.Verbs;

/// <summary>
/// `reform ingest PATH...`: loads event files (CSV or NDJSON, optionally gzipped) or folders of them, exactly once,
/// then refreshes the dossier state and aggregates. Independent event files load several at a time (--parallel, by default
/// the <see cref="IngestCoordinator"/>'s degree); the other inputs (agency lists, feedback, tasks, targets) one at a time, in
/// order, since a later file replaces an earlier one's rows. Exit 0 when every file was processed (rejected rows included),
/// 1 when a file could not be read or the store failed (said in one sentence: <see cref="LoadFailure"/>), 2 when a path
/// does not exist.
/// </summary>
internal static class IngestVerb
{
    private static readonly string[] Patterns = ["*.csv", "*.ndjson", "*.jsonl", "*.csv.gz", "*.ndjson.gz", "*.jsonl.gz"];

    public static Command Create()
    {
        var paths = new Argument<string[]>("path") { Arity = ArgumentArity.OneOrMore, Description = "Tệp sự kiện hoặc thư mục chứa tệp (.csv, .ndjson, .jsonl, có thể nén .gz)" };
        var noRefresh = new Option<bool>("--no-refresh") { Description = "Không tính lại trạng thái hồ sơ và số liệu tổng hợp sau khi nạp" };
        var parallel = new Option<int?>("--parallel")
        {
            Description = $"Số tệp sự kiện nạp cùng lúc (mặc định {IngestCoordinator.DefaultDegree} trên máy này: số lõi cộng một, từ 2 đến 4; 1 là lần lượt từng tệp)",
        };
        var command = new Command("ingest", "Nạp tệp sự kiện hồ sơ vào kho dữ liệu, mỗi sự kiện đúng một lần.") { paths, noRefresh, parallel };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var files = Expand(parse.GetRequiredValue(paths));
            if (parse.GetValue(parallel) is < 1 or > 64)
            {
                throw new UsageException("--parallel phải từ 1 đến 64.");
            }

            var settings = parse.GetValue(parallel) is { } degree
                ? new Dictionary<string, string?> { [$"{IntakeOptions.SectionName}:{nameof(IntakeOptions.ConcurrentLoads)}"] = degree.ToString(CultureInfo.InvariantCulture) }
                : null;
            await using var cli = await CliHost.StartAsync(parse, cancellationToken, settings: settings);
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

    /// <summary>
    /// Loads the files in their order with one progress line for the whole run: each run of consecutive event files several
    /// at a time (as many as the coordinator lets load at once), each other input alone. The results keep the files' order.
    /// When a file fails, the others being loaded are stopped (each resumes where it stopped on the next run) and the
    /// failure is described (<see cref="LoadFailure"/>).
    /// </summary>
    public static async Task<List<IngestResult>> RunAsync(CliHost cli, IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        var ingestor = cli.Services.GetRequiredService<InputIngestor>();
        var degree = cli.Services.GetRequiredService<IngestCoordinator>().Degree;
        var results = new IngestResult?[files.Count];
        var sizes = files.Select(f => new FileInfo(f).Length).ToArray();
        var totalBytes = Math.Max(sizes.Sum(), 1);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await ConsoleUi.Error.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                // One line for the whole run: a line per file would redraw hundreds of lines on every refresh.
                var task = context.AddTask("Nạp dữ liệu", maxValue: totalBytes);
                var display = new RunProgress(task, files, sizes, clock);
                foreach (var segment in Segments(files))
                {
                    await LoadSegmentAsync(cli, ingestor, files, segment, segment.Count > 1 ? degree : 1, results, display, cancellationToken);
                }

                display.Finish();
            });

        return [.. results.Select(r => r!)];
    }

    /// <summary>The files' indexes cut into runs to load: consecutive event files together, every other input alone.</summary>
    private static List<List<int>> Segments(IReadOnlyList<string> files)
    {
        var segments = new List<List<int>>();
        var previousIsEvents = false;
        for (var i = 0; i < files.Count; i++)
        {
            var isEvents = InputIngestor.KindOf(files[i]) is null;
            if (!isEvents || !previousIsEvents)
            {
                segments.Add([]);
            }

            segments[^1].Add(i);
            previousIsEvents = isEvents;
        }

        return segments;
    }

    private static async Task LoadSegmentAsync(
        CliHost cli, InputIngestor ingestor, IReadOnlyList<string> files, List<int> segment, int degree, IngestResult?[] results, RunProgress display,
        CancellationToken cancellationToken)
    {
        using var stopOthers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var next = -1;
        var failures = new List<(int Index, Exception Failure)>();
        async Task WorkAsync()
        {
            int position;
            while ((position = Interlocked.Increment(ref next)) < segment.Count && !stopOthers.IsCancellationRequested)
            {
                var index = segment[position];
                try
                {
                    results[index] = await ingestor.IngestFileAsync(files[index], display.Start(index), stopOthers.Token);
                    display.Done(index, results[index]!.Rows);
                }
                catch (Exception ex)
                {
                    lock (failures)
                    {
                        failures.Add((index, ex));
                    }

                    await stopOthers.CancelAsync();
                    return;
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Math.Min(degree, segment.Count)).Select(_ => Task.Run(WorkAsync, CancellationToken.None)));
        if (failures.Count == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return;
        }

        // The failure that stopped the others, not the cancellations it caused.
        var (failed, failure) = failures.OrderBy(f => f.Failure is OperationCanceledException && !cancellationToken.IsCancellationRequested ? 1 : 0)
            .ThenBy(f => f.Index).First();
        var loaded = results.Count(r => r is not null);
        var during = $"trong khi nạp {Path.GetFileName(files[failed])} (tệp {failed + 1:N0}/{files.Count:N0}; {loaded:N0} tệp đã nạp xong)";
        throw await LoadFailure.DescribeAsync(failure, cli.Store, during, cancellationToken);
    }

    /// <summary>The progress line: bytes of the files done plus those read of the files loading, rows and rate.</summary>
    private sealed class RunProgress(ProgressTask task, IReadOnlyList<string> files, long[] sizes, System.Diagnostics.Stopwatch clock)
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<int, IngestProgress> _loading = [];
        private long _doneBytes;
        private long _doneRows;
        private int _doneFiles;

        public SynchronousProgress<IngestProgress> Start(int index)
        {
            lock (_lock)
            {
                _loading[index] = default;
                Show(index);
            }

            return new SynchronousProgress<IngestProgress>(p =>
            {
                lock (_lock)
                {
                    _loading[index] = p;
                    Show(index);
                }
            });
        }

        public void Done(int index, long rows)
        {
            lock (_lock)
            {
                _loading.Remove(index);
                _doneBytes += sizes[index];
                _doneRows += rows;
                _doneFiles++;
                task.Value = _doneBytes + _loading.Values.Sum(p => p.BytesRead);
            }
        }

        public void Finish()
        {
            lock (_lock)
            {
                task.Value = task.MaxValue;
                task.Description = Markup.Escape($"{files.Count:N0} tệp, {_doneRows:N0} dòng, {_doneRows / Math.Max(clock.Elapsed.TotalSeconds, 0.001):N0} dòng/giây");
            }
        }

        private void Show(int index)
        {
            var rows = _doneRows + _loading.Values.Sum(p => p.Rows);
            task.Value = _doneBytes + _loading.Values.Sum(p => p.BytesRead);
            var others = _loading.Count > 1 ? $" và {_loading.Count - 1} tệp khác" : string.Empty;
            task.Description = Markup.Escape(
                $"Tệp {index + 1:N0}/{files.Count:N0} {Path.GetFileName(files[index])}{others} ({_doneFiles:N0} tệp xong): {rows:N0} dòng, {rows / Math.Max(clock.Elapsed.TotalSeconds, 0.001):N0} dòng/giây");
        }
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
