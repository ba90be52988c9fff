using ReformMetrics.Cli.Bench.Campaign;
using Spectre.Console;

namespace ReformMetrics.Cli.Bench.Faults;

/// <summary>
/// The embedded engine killed with SIGKILL while users browse and a source sends events: while it is down users must get
/// 503 (never 500, never no answer), the service must answer 200 again within the recovery bound by itself, and every event
/// the source sent (retrying what got 503) must be stored exactly once. When the service does not recover, `reform serve` is
/// restarted by the campaign so that the source can finish, and the criterion says it failed.
/// </summary>
internal sealed class EngineKillDuringLoad : IFaultScenario
{
    public const string Name = "engine-load";

    public string Id => Name;

    public async Task<IReadOnlyList<Criterion>> RunAsync(FaultContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Target.IsEmbedded)
        {
            return [Criterion.Skipped($"{Name}: dịch vụ trả lời 200 lại", "bộ máy nhúng", "kho là máy chủ ClickHouse (--clickhouse): không có tiến trình bộ máy để dừng")];
        }

        var served = await ServedDashboard.StartAsync(context.Target, cancellationToken);
        var events = new CampaignEvents($"FL{context.Tag}-", context.Facts.Served.Where(p => context.Source.Provinces.Count == 0 || context.Source.Provinces.Contains(p.Code)).ToList());
        var feeder = new IntakeFeeder(served.BaseAddress, context.Source, events, context.Timings);
        var probe = new FaultProbe(served.BaseAddress, context.National, context.Facts.Periods[0], context.Timings);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var traffic = Task.WhenAll(probe.RunAsync(stop.Token), feeder.RunAsync(30, TimeSpan.FromSeconds(1), stop.Token));
        await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);

        var pid = FaultContext.EnginePid(context.Target.StoreDirectory) ?? throw new CampaignException("Không thấy bộ máy nhúng đang chạy (run/engine.json) để dừng.");
        var killedAt = probe.Now;
        Signals.Kill(pid);
        ConsoleUi.Info($"[{Name}] Đã dừng bộ máy nhúng (pid {pid}) bằng SIGKILL; chờ dịch vụ tự phục hồi, tối đa {context.Options.RecoverySeconds} giây.");
        TimeSpan? recovered = null;
        while (probe.Now - killedAt < context.Recovery && (recovered = probe.RecoveredAfter(killedAt)) is null)
        {
            await Task.Delay(500, cancellationToken);
        }

        var windowEnd = recovered is { } r ? killedAt + r : probe.Now;
        var during = probe.StatusesBetween(killedAt, windowEnd);
        var fivehundreds = probe.CountBetween(killedAt, windowEnd, s => s is >= 500 and not 503);
        var unanswered = probe.CountBetween(killedAt, windowEnd, s => s == Outcome.NoAnswer);
        await stop.CancelAsync();
        await traffic;
        if (recovered is null)
        {
            ConsoleUi.Info($"[{Name}] Dịch vụ chưa phục hồi sau {context.Options.RecoverySeconds} giây; khởi động lại reform serve để nguồn gửi nốt sự kiện.");
            var port = served.Port;
            await served.DisposeAsync();
            served = await ServedDashboard.StartAsync(context.Target, cancellationToken, port: port);
        }

        var flushed = await feeder.FlushAsync(TimeSpan.FromMinutes(2), cancellationToken);
        await served.DisposeAsync();
        var (rows, distinct) = await IntakeFeeder.StoredAsync(context.Target, feeder.Prefix, cancellationToken);
        var lost = feeder.ConfirmedEvents - distinct;
        ConsoleUi.Out.WriteLine($"[{Name}] Trong khi bộ máy ngừng: {during}. Phục hồi: {(recovered is { } t ? $"sau {t.TotalSeconds:N1} giây" : "không")}. "
            + $"Sự kiện: {feeder.ConfirmedEvents:N0} được nhận, {distinct:N0} trong kho, {rows - distinct:N0} lưu hai lần.");
        return
        [
            Criterion.Check($"{Name}: trả lời 5xx khác 503 khi bộ máy ngừng", "0", $"{fivehundreds:N0} ({during})", fivehundreds == 0),
            Criterion.Check($"{Name}: yêu cầu không được trả lời khi bộ máy ngừng", "0", $"{unanswered:N0}", unanswered == 0),
            Criterion.Check($"{Name}: dịch vụ tự trả lời 200 lại", $"≤ {context.Options.RecoverySeconds} giây",
                recovered is { } s ? $"{s.TotalSeconds:N1} giây" : $"không sau {context.Options.RecoverySeconds} giây (reform serve không tự nối lại bộ máy)", recovered is not null),
            Criterion.Check($"{Name}: sự kiện mất / lưu hai lần", "0 / 0", $"{lost:N0} / {rows - distinct:N0}", flushed && lost == 0 && rows == distinct),
        ];
    }
}
