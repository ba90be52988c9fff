using System.Diagnostics;
using System.Globalization;
using System.Net;
using ReformMetrics.Cli.Bench.Campaign;
using Spectre.Console;
using ReformMetrics.Cli.Bench.Load;

namespace ReformMetrics.Cli.Bench.Faults;

/// <summary>
/// `reform serve` killed with SIGKILL during a scheduled report: a schedule due every minute (Reports:Schedules, as an
/// operator configures it) makes the PDF bulletin of several provinces; once the scheduler has seen it and the next run begins
/// to write, the server is killed. The reports page must list no half file, and on the next start the missed run must be
/// caught up: every file of the run listed by the dashboard, each whole, within the bound.
/// </summary>
internal sealed class ScheduleKill : IFaultScenario
{
    public const string Name = "schedule-kill";

    public string Id => Name;
    private const string Schedule = "bench-faults";

    public async Task<IReadOnlyList<Criterion>> RunAsync(FaultContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var folder = Path.Combine(context.Target.WorkDirectory, "scheduled-reports");
        var provinces = context.Facts.Served.Take(6).Select(p => p.Code).ToList();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["REFORM_Reports__Directory"] = folder, ["REFORM_Reports__CheckSeconds"] = "1",
            ["REFORM_Reports__Schedules__0__Name"] = Schedule, ["REFORM_Reports__Schedules__0__Cron"] = "* * * * *",
            ["REFORM_Reports__Schedules__0__Form"] = "bulletin", ["REFORM_Reports__Schedules__0__Period"] = "previous-month",
        };
        foreach (var (code, i) in provinces.Select((c, i) => (c, i)))
        {
            environment[string.Create(CultureInfo.InvariantCulture, $"REFORM_Reports__Schedules__0__Provinces__{i}")] = code;
        }

        var served = await ServedDashboard.StartAsync(context.Target, cancellationToken, environment);
        var watch = Stopwatch.StartNew();
        // The scheduler's first look records the schedule; its next minute is the run to interrupt.
        while (!File.Exists(Path.Combine(folder, "manifest.json")) && watch.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(100, cancellationToken);
        }

        var seen = Snapshot(folder);
        while (Snapshot(folder).SetEquals(seen) && watch.Elapsed < TimeSpan.FromMinutes(4) && !served.HasExited)
        {
            await Task.Delay(20, cancellationToken);
        }

        var killed = !served.HasExited && watch.Elapsed < TimeSpan.FromMinutes(4);
        var port = served.Port;
        await served.KillAsync();
        await served.DisposeAsync();
        var during = Snapshot(folder).Except(seen).Order(StringComparer.Ordinal).ToList();
        ConsoleUi.Info($"[{Name}] reform serve {(killed ? "bị dừng bằng SIGKILL khi lần chạy theo lịch bắt đầu ghi" : "không bắt đầu lần chạy theo lịch")}; trong thư mục báo cáo lúc đó: {string.Join(", ", during)}.");

        // The next start: the reports page must list only whole files, and the missed run must appear.
        await FaultContext.WaitEngineStoppedAsync(context.Target.StoreDirectory, TimeSpan.FromMinutes(1), cancellationToken);
        await using var restarted = await ServedDashboard.StartAsync(context.Target, cancellationToken, environment, port: port);
        using var browser = new DashboardClient(restarted.BaseAddress, context.National) { Timings = context.Timings };
        await browser.SignInAsync(cancellationToken);
        var restartedAt = Stopwatch.StartNew();
        var expected = provinces.Count;
        IReadOnlyList<string> listed = [];
        var broken = new List<string>();
        while (restartedAt.Elapsed < TimeSpan.FromSeconds(Math.Max(180, context.Options.RecoverySeconds)))
        {
            listed = await ListedAsync(browser, cancellationToken);
            broken.AddRange((await IncompleteAsync(browser, listed, context.Target.WorkDirectory, cancellationToken)).Except(broken));
            if (listed.Count >= expected)
            {
                break;
            }

            await Task.Delay(2000, cancellationToken);
        }

        var caughtUp = restartedAt.Elapsed;
        await restarted.StopAsync();
        ConsoleUi.Out.WriteLine($"[{Name}] Sau khi khởi động lại: trang báo cáo liệt kê {listed.Count} tệp ({string.Join(", ", listed.Select(Path.GetFileName))}) "
            + $"sau {caughtUp.TotalSeconds:N0} giây; tệp dở dang được liệt kê: {broken.Count}.");
        return
        [
            Criterion.Check($"{Name}: máy chủ bị dừng giữa lần chạy theo lịch", "có", killed ? "có" : "không", killed),
            Criterion.Check($"{Name}: tệp dở dang trong danh sách báo cáo", "0", broken.Count == 0 ? "0" : string.Join(", ", broken), broken.Count == 0),
            Criterion.Check($"{Name}: lần chạy bị lỡ được chạy bù khi khởi động lại", $"{expected} tệp trong ≤ {Math.Max(180, context.Options.RecoverySeconds)} giây",
                $"{listed.Count} tệp sau {caughtUp.TotalSeconds:N0} giây", listed.Count >= expected),
        ];
    }

    /// <summary>Every file and folder of the reports folder (temporary files and locks included).</summary>
    private static HashSet<string> Snapshot(string folder) => Directory.Exists(folder)
        ? Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(folder, p))
            .Where(p => p != "manifest.json" && !p.StartsWith("manifest.json", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal)
        : [];

    /// <summary>The download links of the reports page, as a national user sees them.</summary>
    private static async Task<IReadOnlyList<string>> ListedAsync(DashboardClient browser, CancellationToken cancellationToken)
    {
        var page = await browser.GetAsync("trang", "/bao-cao", cancellationToken);
        return Visitor.ReportLink().Matches(page.Body).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).Distinct().ToList();
    }

    /// <summary>Downloads each listed file through the dashboard and returns those that are not whole.</summary>
    private static async Task<IReadOnlyList<string>> IncompleteAsync(DashboardClient browser, IReadOnlyList<string> links, string work, CancellationToken cancellationToken)
    {
        var broken = new List<string>();
        foreach (var link in links)
        {
            var answer = await browser.SendAsync("xuất tệp", () => new HttpRequestMessage(HttpMethod.Get, new Uri(link, UriKind.Relative)), cancellationToken);
            var copy = Path.Combine(work, "downloaded-" + Path.GetFileName(Uri.UnescapeDataString(link)));
            await File.WriteAllBytesAsync(copy, answer.Bytes ?? [], cancellationToken);
            if (!answer.Ok || !ReportKill.IsComplete(copy))
            {
                broken.Add($"{link} ({answer.Status})");
            }
        }

        return broken;
    }
}
