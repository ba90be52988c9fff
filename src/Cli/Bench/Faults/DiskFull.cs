using System.Diagnostics;
using System.Globalization;
using ReformMetrics.Cli.Bench.Campaign;
using Spectre.Console;

namespace ReformMetrics.Cli.Bench.Faults;

/// <summary>
/// The store's disk full: a copy of the store on a small tmpfs (mounted by the campaign, which needs root), served by
/// `reform serve`, then the file system filled to the last byte. While it is full a source's body, `reform ingest` and
/// `reform report` must fail with a clear message (never a 500, never a stack trace, never a half file) and reading the
/// dashboard must not give 500; once the space is given back the same requests must succeed, the engine's own check of the
/// events table must pass, and every event must be stored once.
/// </summary>
internal sealed class DiskFull : IFaultScenario
{
    public const string Name = "disk-full";

    public string Id => Name;

    public async Task<IReadOnlyList<Criterion>> RunAsync(FaultContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Target.IsEmbedded)
        {
            return [Criterion.Skipped($"{Name}: báo lỗi rõ ràng và phục hồi", "bộ máy nhúng", "kho là máy chủ ClickHouse (--clickhouse): không có đĩa của kho để làm đầy")];
        }

        var mount = Path.Combine(context.Target.WorkDirectory, "disk-full-store");
        Directory.CreateDirectory(mount);
        var mounted = await CommandAsync("mount", ["-t", "tmpfs", "-o", string.Create(CultureInfo.InvariantCulture, $"size={context.Options.DiskMb}m"), "tmpfs", mount], cancellationToken);
        if (mounted.ExitCode != 0)
        {
            return [Criterion.Skipped($"{Name}: báo lỗi rõ ràng và phục hồi", "quyền root để gắn tmpfs", $"không gắn được tmpfs: {mounted.Output.Trim()}")];
        }

        try
        {
            return await RunMountedAsync(context, mount, cancellationToken);
        }
        finally
        {
            await FaultContext.WaitEngineStoppedAsync(mount, TimeSpan.FromMinutes(1), CancellationToken.None);
            if ((await CommandAsync("umount", [mount], CancellationToken.None)).ExitCode != 0)
            {
                await CommandAsync("umount", ["-l", mount], CancellationToken.None);
            }
        }
    }

    private static async Task<IReadOnlyList<Criterion>> RunMountedAsync(FaultContext context, string mount, CancellationToken cancellationToken)
    {
        await FaultContext.WaitEngineStoppedAsync(context.Target.StoreDirectory, TimeSpan.FromMinutes(1), cancellationToken);
        CopyStore(context.Target.StoreDirectory, mount);
        var small = context.Target.WithStore(mount);
        var events = new CampaignEvents($"FD{context.Tag}-", context.Facts.Served.Where(p => context.Source.Provinces.Count == 0 || context.Source.Provinces.Contains(p.Code)).ToList());
        var file = Path.Combine(context.Target.WorkDirectory, "disk-full.csv");
        var fileEvents = new CampaignEvents($"FF{context.Tag}-", context.Facts.Served).WriteFile(file, 2_500, DateTimeOffset.UtcNow);
        await using var served = await ServedDashboard.StartAsync(small, cancellationToken);
        var feeder = new IntakeFeeder(served.BaseAddress, context.Source, events, context.Timings);
        using var browser = new DashboardClient(served.BaseAddress, context.National) { Timings = context.Timings };
        await browser.SignInAsync(cancellationToken);
        var before = await feeder.SendOnceAsync(cancellationToken);

        var filler = Path.Combine(mount, "filler.bin");
        var filled = Fill(filler);
        ConsoleUi.Info($"[{Name}] Kho trên tmpfs {context.Options.DiskMb:N0} MB; đã làm đầy bằng {filled / 1048576.0:N0} MB, còn {new DriveInfo(mount).AvailableFreeSpace:N0} byte trống.");
        var intake = await feeder.SendOnceAsync(cancellationToken);
        var page = await browser.GetAsync("trang", $"/?period={context.Facts.Periods[0]}", cancellationToken);
        var api = await browser.GetAsync("API", $"/api/kpi?period={context.Facts.Periods[0]}&by=province", cancellationToken);
        var ingest = await small.RunAsync(["ingest", file, "--no-refresh"], cancellationToken, timeout: TimeSpan.FromMinutes(5));
        var report = Path.Combine(mount, "bao-cao.xlsx");
        var reportRun = await small.RunAsync(["report", "--form", "tthc-results", "--period", context.Facts.Periods[0], "--out", report], cancellationToken, timeout: TimeSpan.FromMinutes(5));
        var reportLeft = File.Exists(report) && !ReportKill.IsComplete(report);

        File.Delete(filler);
        var watch = Stopwatch.StartNew();
        var flushed = await feeder.FlushAsync(context.Recovery, cancellationToken);
        using var health = new HttpClient { BaseAddress = served.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var healthy = await ServedDashboard.HealthyAsync(health, cancellationToken);
        var recoveredIn = watch.Elapsed;
        var rerun = await small.RunAsync(["ingest", file, "--no-refresh"], cancellationToken, timeout: TimeSpan.FromMinutes(5));
        // One row per part (or one value, depending on the engine's settings); the second field, or the only one, is 1 for a sound part.
        var check = await small.RunAsync(["sql", "--format", "TSV", "CHECK TABLE events"], cancellationToken);
        var parts = check.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
        var sound = check.ExitCode == 0 && parts.Count > 0 && parts.All(p => (p.Length == 1 ? p[0] : p[1]) == "1");
        var checkText = check.ExitCode != 0 ? $"lỗi: {check.Tail(1)}" : $"{parts.Count(p => (p.Length == 1 ? p[0] : p[1]) == "1")}/{parts.Count} phần đạt";
        var (httpRows, httpDistinct) = await IntakeFeeder.StoredAsync(small, feeder.Prefix, cancellationToken);
        var (fileRows, fileDistinct) = await IntakeFeeder.StoredAsync(small, $"FF{context.Tag}-", cancellationToken);
        await served.StopAsync();

        var lost = feeder.ConfirmedEvents - httpDistinct + (fileEvents - fileDistinct);
        var twice = httpRows - httpDistinct + fileRows - fileDistinct;
        ConsoleUi.Out.WriteLine($"[{Name}] Trước khi đầy: POST /api/events {before}. Khi đầy: POST /api/events {intake}, trang {page.Status}, API {api.Status}, "
            + $"reform ingest mã thoát {ingest.ExitCode} (\"{ingest.Tail(1)}\"), reform report mã thoát {reportRun.ExitCode} (\"{reportRun.Tail(1)}\"). "
            + $"Sau khi giải phóng: gửi lại {(flushed ? "được nhận" : "chưa được nhận")}, /healthz {(healthy ? 200 : 0)}, nạp lại mã thoát {rerun.ExitCode}, CHECK TABLE events: {checkText}.");
        var clearCli = ingest.ExitCode == 1 && reportRun.ExitCode == 1 && !FaultContext.HasStackTrace(ingest.StandardError + ingest.StandardOutput)
            && !FaultContext.HasStackTrace(reportRun.StandardError + reportRun.StandardOutput);
        return
        [
            Criterion.Check($"{Name}: POST /api/events khi đĩa đầy", "4xx hoặc 503, không 500", intake == 0 ? "không trả lời" : $"{intake}", intake is (>= 400 and < 500) or 503 or 507),
            Criterion.Check($"{Name}: đọc bảng điều khiển khi đĩa đầy", "200 hoặc 503", $"trang {page.Status}, API {api.Status}",
                page.Status is 200 or 503 && api.Status is 200 or 503),
            Criterion.Check($"{Name}: reform ingest và reform report khi đĩa đầy", "mã thoát 1, thông báo không có dấu vết ngăn xếp, không để lại tệp dở",
                $"ingest {ingest.ExitCode}, report {reportRun.ExitCode}{(reportLeft ? ", còn tệp báo cáo dở" : string.Empty)}", clearCli && !reportLeft),
            Criterion.Check($"{Name}: phục hồi khi có chỗ trống", $"≤ {context.Options.RecoverySeconds} giây",
                flushed && healthy && rerun.ExitCode == 0 ? $"{recoveredIn.TotalSeconds:N1} giây" : $"nhận sự kiện {(flushed ? "có" : "không")}, /healthz {(healthy ? "200" : "lỗi")}, nạp lại mã thoát {rerun.ExitCode}",
                flushed && healthy && rerun.ExitCode == 0),
            Criterion.Check($"{Name}: dữ liệu nguyên vẹn (CHECK TABLE events, mất / lưu hai lần)", "mọi phần đạt, 0 / 0", $"{checkText}, {lost:N0} / {twice:N0}",
                sound && lost == 0 && twice == 0),
        ];
    }

    /// <summary>Fills the file system by writing until it refuses (ENOSPC), in smaller and smaller pieces to the last byte;
    /// returns the bytes written. Unbuffered, so that closing the file has nothing left to write.</summary>
    private static long Fill(string path)
    {
        var block = new byte[1 << 20];
        long written = 0;
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        foreach (var size in new[] { block.Length, 65536, 4096, 512, 1 })
        {
            try
            {
                while (true)
                {
                    stream.Write(block, 0, size);
                    written += size;
                }
            }
            catch (IOException)
            {
                // No space for a piece of this size: go on with smaller ones.
            }
        }

        return written;
    }

    /// <summary>A cold copy of a stopped store (no engine holds it): files, and symbolic links pointed into the copy; the
    /// run directory (leases, locks, the state of an engine that no longer runs) is left out.</summary>
    private static void CopyStore(string from, string to)
    {
        void Copy(string source, string target)
        {
            Directory.CreateDirectory(target);
            foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
            {
                var destination = Path.Combine(target, entry.Name);
                if (entry.LinkTarget is { } link)
                {
                    File.CreateSymbolicLink(destination, link.StartsWith(from, StringComparison.Ordinal) ? to + link[from.Length..] : link);
                }
                else if (entry is DirectoryInfo directory)
                {
                    Copy(directory.FullName, destination);
                }
                else
                {
                    File.Copy(entry.FullName, destination);
                }
            }
        }

        foreach (var entry in new DirectoryInfo(from).EnumerateDirectories().Where(d => d.Name != "run"))
        {
            Copy(entry.FullName, Path.Combine(to, entry.Name));
        }

        foreach (var file in new DirectoryInfo(from).EnumerateFiles())
        {
            file.CopyTo(Path.Combine(to, file.Name));
        }
    }

    private static async Task<(int ExitCode, string Output)> CommandAsync(string command, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = await process.StandardError.ReadToEndAsync(cancellationToken) + await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }
}
