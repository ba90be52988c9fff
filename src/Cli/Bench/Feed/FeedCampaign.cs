using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReformMetrics.Cli.Bench.Campaign;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Store;
using ReformMetrics.Store.Refresh;
using Spectre.Console;

namespace ReformMetrics.Cli.Bench.Feed;

/// <summary>The knobs of a feed run.</summary>
internal sealed record FeedOptions(double EventsPerSecond, double Minutes, int Clients, long Dossiers, bool Verify);

/// <summary>
/// `reform bench feed`: the continuous national feed against `reform serve` (answer cache off) on a store of N dossiers.
/// One source key per province POSTs events (new dossiers, then their resolution, return and rating in later bodies, with
/// the campaigns' re-sent bodies) at a steady total rate, while dashboard clients read the national overview and the
/// province pages in a closed loop and a probe polls /api/kpi. Prints the events accepted per second, the freshness lag
/// (a dossier's receipt answered 200 → counted by /api/kpi), the pages' p50/p95/p99 and errors, the refresh's share of
/// the run and the serving process's peak RSS, against two baselines measured in the same run: ClickHouse's own
/// <c>INSERT ... FORMAT CSV</c> of as many events of the same shape, and a bare <c>SELECT 1</c> round trip. Then checks
/// that every metric equals a full rebuild (exit 1 otherwise).
/// </summary>
internal static partial class FeedCampaign
{
    private const string Overview = "tổng quan (không bộ nhớ đệm)";
    private const string ProvincePage = "trang tỉnh (không bộ nhớ đệm)";

    public static async Task<int> RunAsync(ParseResult parse, FeedOptions options, CancellationToken cancellationToken)
    {
        await using var target = CampaignTarget.Create(parse, "feed");
        await target.EnsureDataAsync(options.Dossiers, cancellationToken);
        var facts = await StoreFacts.ReadAsync(target, cancellationToken);
        var tag = CampaignAccounts.RunTag();
        var provinces = facts.Served;
        var accounts = await CampaignAccounts.CreateAsync(target,
            Enumerable.Range(0, options.Clients + 1).Select(i => new CampaignAccounts.Request($"bench-{tag}-feed-{i}", Account.National, null, WithToken: i == 0)).ToList(),
            cancellationToken);
        var sources = new List<SourceKey>();
        foreach (var province in provinces)
        {
            sources.Add(await SourceKey.CreateAsync(target, $"bench-feed-{tag}-{province.Code}", [province.Code], cancellationToken));
        }

        await using var store = await JoinAsync(target, cancellationToken);
        var roundTrip = await FeedBaselines.RoundTripAsync(store, cancellationToken);
        // The readers are robots reading without pause, about 7 pages a second each once the pages answer in milliseconds:
        // a person's limit (Dashboard:RequestsPerMinute, 240) would answer most of them 429, quickly, and the percentiles
        // would measure the limiter. The run measures the pages; a throttled page fails it (below).
        await using var served = await ServedDashboard.StartAsync(target, cancellationToken,
            new Dictionary<string, string> { ["REFORM_Kpi__AnswerCache"] = "false", ["REFORM_Dashboard__RequestsPerMinute"] = "100000" });
        var now = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(7));
        var month = now.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var year = now.ToString("yyyy", CultureInfo.InvariantCulture);
        var timings = new Timings();
        var prefix = $"FD{tag}-";
        var perSource = options.EventsPerSecond / sources.Count;
        var interval = TimeSpan.FromSeconds(Math.Clamp(300 / perSource, 0.5, 10)); // bodies of about 300 events (100 to 1,000)
        var feeders = sources.Select((s, i) => new IntakeFeeder(served.BaseAddress, s, new CampaignEvents($"{prefix}{i:D2}-", [provinces[i]]), timings)).ToList();
        using var probe = new DashboardClient(served.BaseAddress, accounts[0], useToken: true);
        var start0 = await ReceivedAsync(probe, month, cancellationToken) ?? throw new CampaignException("/api/kpi không trả lời trước khi bắt đầu.");
        ConsoleUi.Info($"reform serve ở {served.BaseAddress} (bộ nhớ đệm câu trả lời tắt); {sources.Count} nguồn gửi tổng {options.EventsPerSecond:N0} sự kiện/giây, "
            + $"mỗi lần khoảng {perSource * interval.TotalSeconds:N0} sự kiện; {options.Clients} người xem trang; {options.Minutes:N1} phút.");

        // Signed in one after the other, before the clock starts: sixteen sign-ins at once from one address meet the
        // dashboard's limits for anonymous callers (429), and signing in is not what the run measures.
        var clients = accounts.Skip(1).Select(a => new DashboardClient(served.BaseAddress, a) { Timings = timings }).ToList();
        foreach (var client in clients)
        {
            await client.SignInAsync(cancellationToken);
        }

        var confirmed = new List<(double At, long Received)>();
        var visible = new List<(double At, long Received)>();
        double peakMb = 0;
        var clock = Stopwatch.StartNew();
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            stop.CancelAfter(TimeSpan.FromMinutes(options.Minutes));
            var work = feeders.Select(f => f.RunAsync(perSource, interval, stop.Token))
                .Concat(clients.Select((c, i) => ReadPagesAsync(c, provinces, year, i, stop.Token)))
                .Append(Every(TimeSpan.FromMilliseconds(100), () =>
                {
                    confirmed.Add((clock.Elapsed.TotalSeconds, feeders.Sum(f => f.ConfirmedReceived)));
                    peakMb = Math.Max(peakMb, served.MemoryMb().Now);
                    return Task.CompletedTask;
                }, stop.Token))
                .Append(Every(TimeSpan.FromMilliseconds(250), async () =>
                {
                    if (await ReceivedAsync(probe, month, stop.Token) is { } value)
                    {
                        visible.Add((clock.Elapsed.TotalSeconds, value - start0));
                    }
                }, stop.Token))
                .ToList();
            await Task.WhenAll(work);
            clients.ForEach(c => c.Dispose());
        }

        cancellationToken.ThrowIfCancellationRequested();
        var elapsed = clock.Elapsed;
        var flushed = true;
        foreach (var feeder in feeders)
        {
            flushed &= await feeder.FlushAsync(TimeSpan.FromMinutes(2), cancellationToken);
        }

        // The last receipts: wait (at most two minutes) until /api/kpi counts every one confirmed.
        var total = feeders.Sum(f => f.ConfirmedReceived);
        confirmed.Add((clock.Elapsed.TotalSeconds, total));
        while (visible.Count == 0 || (visible[^1].Received < total && clock.Elapsed - elapsed < TimeSpan.FromMinutes(2)))
        {
            if (await ReceivedAsync(probe, month, cancellationToken) is { } value)
            {
                visible.Add((clock.Elapsed.TotalSeconds, value - start0));
            }

            await Task.Delay(250, cancellationToken);
        }

        peakMb = Math.Max(peakMb, served.MemoryMb().Peak);
        var (rows, distinct) = await IntakeFeeder.StoredAsync(target, prefix, cancellationToken);
        await served.StopAsync();
        var refresh = RefreshShare(served.LogFile, elapsed);
        var sent = feeders.Sum(f => f.ConfirmedEvents);
        var csvRate = await FeedBaselines.CsvInsertRateAsync(store, target.WorkDirectory, sent, provinces, cancellationToken);

        var lags = Lags(confirmed, visible);
        var accepted = feeders.Sum(f => f.Accepted);
        var table = timings.ToTable();
        table.Title = new TableTitle($"Luồng sự kiện: {elapsed.TotalMinutes:N1} phút, {timings.Requests / elapsed.TotalSeconds:N1} yêu cầu/giây");
        ConsoleUi.Out.Write(table);
        var (o50, o95, o99) = timings.Percentiles(Overview);
        var (p50, p95, p99) = timings.Percentiles(ProvincePage);
        ConsoleUi.Out.WriteLine($"events accepted: {accepted:N0} in {elapsed.TotalSeconds:N0} s = {accepted / elapsed.TotalSeconds:N0} events/s (target {options.EventsPerSecond:N0}); "
            + $"stored {rows:N0} rows, {distinct:N0} distinct; confirmed {sent:N0}: lost {sent - distinct:N0}, twice {rows - distinct:N0}, rejected {feeders.Sum(f => f.Rejected):N0}");
        ConsoleUi.Out.WriteLine($"freshness lag (receipt answered 200 → counted by /api/kpi), {lags.Count:N0} samples: p50 {Pct(lags, 0.5):N1} s, p95 {Pct(lags, 0.95):N1} s, max {(lags.Count == 0 ? double.NaN : lags[^1]):N1} s; "
            + $"counted at the end {visible[^1].Received:N0} of {total:N0}");
        ConsoleUi.Out.WriteLine($"overview p50/p95/p99 {o50:N0}/{o95:N0}/{o99:N0} ms; province page {p50:N0}/{p95:N0}/{p99:N0} ms; errors {timings.Errors:N0} "
            + $"(bare SELECT 1 round trip {roundTrip:N1} ms: overview p95 = {o95 / roundTrip:N0}×)");
        ConsoleUi.Out.WriteLine($"refresh: {refresh.Runs:N0} runs of {refresh.Dossiers:N0} dossiers, busy {refresh.Share:P0} of the run (median {refresh.Median:N0} ms, max {refresh.Max:N0} ms); "
            + $"reform serve peak RSS {peakMb:N0} MB; inbox passes failed {refresh.Failed:N0}{(refresh.FirstFailure is { } first ? $" (first: {first})" : "")}");
        ConsoleUi.Out.WriteLine($"baseline: ClickHouse INSERT FORMAT CSV of {sent:N0} events of the same shape {csvRate:N0} events/s; accepted over HTTP / CSV insert = {accepted / elapsed.TotalSeconds / csvRate:N4}");

        var exact = !options.Verify || await FeedBaselines.EqualsFullRebuildAsync(store, year, cancellationToken);
        var verdict = new Verdict();
        verdict.Add(Criterion.Check("sự kiện mất / lưu hai lần / bị loại", "0 / 0 / 0", $"{sent - distinct:N0} / {rows - distinct:N0} / {feeders.Sum(f => f.Rejected):N0}",
            sent == distinct && rows == distinct && feeders.Sum(f => f.Rejected) == 0 && flushed));
        verdict.Add(Criterion.Check("độ trễ số liệu p95", "≤ 60 giây", $"{Pct(lags, 0.95):N1} giây", lags.Count > 0 && Pct(lags, 0.95) <= 60));
        verdict.Add(Criterion.Check("trang tổng quan và trang tỉnh p95 (không bộ nhớ đệm)", "≤ 100 ms", $"{o95:N0} / {p95:N0} ms", o95 <= 100 && p95 <= 100));
        verdict.Add(Criterion.Check("yêu cầu lỗi", "0", $"{timings.Errors:N0}", timings.Errors == 0));
        var throttled = timings.Count(Overview, o => o.IsThrottled) + timings.Count(ProvincePage, o => o.IsThrottled);
        verdict.Add(Criterion.Check("trang bị giới hạn (429)", "0", $"{throttled:N0}", throttled == 0));
        verdict.Add(Criterion.Check("lượt nạp và cập nhật số liệu lỗi", "0", $"{refresh.Failed:N0}", refresh.Failed == 0));
        verdict.Add(Criterion.Check("bộ nhớ đỉnh của reform serve", "≤ 500 MB", $"{peakMb:N0} MB", peakMb <= 500));
        verdict.Add(options.Verify
            ? Criterion.Check("mọi chỉ số bằng khi dựng lại toàn bộ", "bằng", exact ? "bằng" : "KHÁC", exact)
            : Criterion.Skipped("mọi chỉ số bằng khi dựng lại toàn bộ", "bằng", "--no-verify"));
        return verdict.Print("Luồng sự kiện toàn quốc", Reproduce(options, target));
    }

    /// <summary>A signed-in client reading the national overview and a province page in turn, without pause.</summary>
    private static async Task ReadPagesAsync(DashboardClient client, IReadOnlyList<ProvinceFacts> provinces, string year, int seed, CancellationToken stop)
    {
        try
        {
            for (var i = seed; !stop.IsCancellationRequested; i++)
            {
                await client.GetAsync(Overview, $"/?period={year}", stop);
                await client.GetAsync(ProvincePage, $"/tinh/{provinces[i % provinces.Count].Code}?period={year}", stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static async Task Every(TimeSpan period, Func<Task> action, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(period);
        try
        {
            do
            {
                await action();
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>The dossiers received this month as /api/kpi counts them now, or null when it did not answer 200.</summary>
    private static async Task<long?> ReceivedAsync(DashboardClient probe, string month, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await probe.GetAsync("thăm dò /api/kpi", $"/api/kpi?period={month}", cancellationToken);
            if (!answer.Ok)
            {
                return null;
            }

            using var json = JsonDocument.Parse(answer.Body);
            return (long)json.RootElement[0].GetProperty("received_new").GetDouble();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>For each increase of the receipts answered 200, how long until /api/kpi counted that many (sorted).</summary>
    internal static List<double> Lags(IReadOnlyList<(double At, long Received)> confirmed, IReadOnlyList<(double At, long Received)> visible)
    {
        var lags = new List<double>();
        long last = 0;
        foreach (var (at, received) in confirmed)
        {
            if (received <= last)
            {
                continue;
            }

            last = received;
            var seen = visible.FirstOrDefault(v => v.At >= at && v.Received >= received);
            if (seen != default)
            {
                lags.Add(seen.At - at);
            }
        }

        lags.Sort();
        return lags;
    }

    private static double Pct(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : Timings.Percentile(sorted, p);

    /// <summary>The refresh runs the service logged (its log holds only this run): how many, how many dossiers, their share
    /// of the run's wall time, and the inbox passes (load, then refresh) that
    /// failed, with the first failure's line: a run whose refresh failed at every pass (a store behind the program's
    /// migrations, stop 30) printed only "0 runs" before.</summary>
    private static (int Runs, long Dossiers, double Share, double Median, double Max, int Failed, string? FirstFailure) RefreshShare(string logFile, TimeSpan elapsed)
    {
        var times = new List<double>();
        long dossiers = 0;
        var failed = 0;
        string? firstFailure = null;
        foreach (var line in File.Exists(logFile) ? File.ReadLines(logFile) : [])
        {
            if (line.Contains("Inbox pass failed", StringComparison.Ordinal) || line.Contains("Inbox pass stopped", StringComparison.Ordinal))
            {
                failed++;
                firstFailure ??= line;
            }

            if (RefreshLine().Match(line) is { Success: true } match)
            {
                dossiers += long.Parse(match.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
                times.Add(double.Parse(match.Groups[2].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
            }
        }

        times.Sort();
        return (times.Count, dossiers, times.Sum() / elapsed.TotalMilliseconds, times.Count == 0 ? 0 : times[times.Count / 2], times.Count == 0 ? 0 : times[^1],
            failed, firstFailure);
    }

    private static async Task<ClickHouseStore> JoinAsync(CampaignTarget target, CancellationToken cancellationToken)
    {
        var options = target.IsEmbedded
            ? new ClickHouseOptions { StoreDirectory = target.StoreDirectory }
            : new ClickHouseOptions { ConnectionString = target.ClickHouse, Database = target.Database ?? new ClickHouseOptions().Database };
        var store = new ClickHouseStore(Options.Create(options), NullLoggerFactory.Instance);
        await store.OpenAsync(null, cancellationToken);
        return store;
    }

    private static string Reproduce(FeedOptions o, CampaignTarget target) => string.Create(CultureInfo.InvariantCulture,
        $"./reform bench feed --events-per-second {o.EventsPerSecond} --minutes {o.Minutes} --clients {o.Clients} --dossiers {o.Dossiers}{(o.Verify ? "" : " --no-verify")} {target.Describe()}");

    [GeneratedRegex(@"Refreshed ([\d,]+) dossiers of \d+ cohorts \(\w+\) in ([\d,]+) ms")]
    private static partial Regex RefreshLine();
}
