using System.Diagnostics;
using System.Globalization;
using ReformMetrics.Cli.Bench.Campaign;
using Spectre.Console;

namespace ReformMetrics.Cli.Bench.Faults;

/// <summary>
/// The embedded engine killed with SIGKILL while `reform ingest` loads a large file (once the first events reach the disk):
/// the load must stop with a clear message (exit 1, no stack trace), and after running the same command again every event
/// of the file must be stored exactly once (counted by event id). The HTTP intake's side of this fault is
/// <see cref="EngineKillDuringLoad"/>, whose source keeps sending while the engine is down.
/// </summary>
internal sealed class EngineKillDuringIngest : IFaultScenario
{
    public const string Name = "engine-ingest";

    public string Id => Name;

    public async Task<IReadOnlyList<Criterion>> RunAsync(FaultContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Target.IsEmbedded)
        {
            return [Criterion.Skipped($"{Name}: nạp lại đủ, không trùng", "bộ máy nhúng", "kho là máy chủ ClickHouse (--clickhouse): không có tiến trình bộ máy để dừng")];
        }

        await FaultContext.WaitEngineStoppedAsync(context.Target.StoreDirectory, TimeSpan.FromMinutes(1), cancellationToken);
        var events = new CampaignEvents($"FI{context.Tag}-", context.Facts.Served);
        var file = Path.Combine(context.Target.WorkDirectory, "engine-ingest.csv");
        var expected = events.WriteFile(file, context.Options.IngestEvents / 4, DateTimeOffset.UtcNow);
        var data = Path.Combine(context.Target.StoreDirectory, "clickhouse");
        var before = SizeOf(data);
        var log = Path.Combine(context.Target.WorkDirectory, "engine-ingest.log");
        using var ingest = context.Target.Start(["ingest", file, "--no-refresh"], log);
        var watch = Stopwatch.StartNew();
        int? pid = null;
        while (!ingest.HasExited && watch.Elapsed < TimeSpan.FromMinutes(5))
        {
            pid ??= FaultContext.EnginePid(context.Target.StoreDirectory);
            if (pid is not null && (SizeOf(data) - before > 256 * 1024 || watch.Elapsed > TimeSpan.FromSeconds(60)))
            {
                break;
            }

            await Task.Delay(50, cancellationToken);
        }

        var killedMidLoad = !ingest.HasExited && pid is not null;
        if (killedMidLoad)
        {
            Signals.Kill(pid!.Value);
            ConsoleUi.Info($"[{Name}] Đã dừng bộ máy nhúng (pid {pid}) bằng SIGKILL sau {watch.Elapsed.TotalSeconds:N1} giây nạp, khi dữ liệu đã bắt đầu ghi xuống đĩa.");
        }

        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            wait.CancelAfter(TimeSpan.FromMinutes(5));
            await ingest.WaitForExitAsync(wait.Token);
        }

        await Task.Delay(300, cancellationToken);
        var firstLog = File.Exists(log) ? await File.ReadAllTextAsync(log, cancellationToken) : string.Empty;
        var firstExit = ingest.ExitCode;
        var rerun = await context.Target.RunAsync(["ingest", file, "--no-refresh"], cancellationToken, timeout: TimeSpan.FromMinutes(15));
        var (rows, distinct) = await IntakeFeeder.StoredAsync(context.Target, events.Prefix, cancellationToken);
        var lost = expected - distinct;
        var message = Last(firstLog);
        ConsoleUi.Out.WriteLine($"[{Name}] {expected:N0} sự kiện trong tệp. Lần nạp bị ngắt: mã thoát {firstExit}, \"{message}\". "
            + $"Chạy lại: mã thoát {rerun.ExitCode}. Trong kho: {distinct:N0} sự kiện khác nhau, {rows:N0} dòng.");
        return
        [
            Criterion.Check($"{Name}: bộ máy bị dừng giữa lúc nạp", "có", killedMidLoad ? "có" : "không (lần nạp xong trước khi kịp dừng; tăng --ingest-events)", killedMidLoad),
            Criterion.Check($"{Name}: lần nạp bị ngắt báo lỗi rõ ràng", "mã thoát 1, không có dấu vết ngăn xếp",
                string.Create(CultureInfo.InvariantCulture, $"mã thoát {firstExit}{(FaultContext.HasStackTrace(firstLog) ? ", có dấu vết ngăn xếp" : string.Empty)}"),
                !killedMidLoad || (firstExit == 1 && !FaultContext.HasStackTrace(firstLog))),
            Criterion.Check($"{Name}: chạy lại thành công", "mã thoát 0", $"mã thoát {rerun.ExitCode}", rerun.ExitCode == 0),
            Criterion.Check($"{Name}: sự kiện mất / lưu hai lần", "0 / 0", $"{lost:N0} / {rows - distinct:N0}", lost == 0 && rows == distinct),
        ];
    }

    private static long SizeOf(string directory)
    {
        try
        {
            return new DirectoryInfo(directory).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true }).Sum(f =>
            {
                try
                {
                    return f.Length;
                }
                catch (IOException)
                {
                    return 0;
                }
            });
        }
        catch (IOException)
        {
            // Parts are renamed and removed while ClickHouse works: a directory gone mid-walk; the next poll counts again.
            return 0;
        }
    }

    private static string Last(string log) =>
        log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.Contains("Lỗi", StringComparison.Ordinal))
        ?? log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? string.Empty;
}
