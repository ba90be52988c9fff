using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ReformMetrics.Cli.Bench.Campaign;
using Spectre.Console;

namespace ReformMetrics.Cli.Bench.Load;

/// <summary>The knobs of a load run.</summary>
internal sealed record LoadOptions(int Users, double Minutes, double ThinkSeconds, double EventsPerSecond, long Dossiers);

/// <summary>
/// `reform bench load`: N people of mixed roles use the dashboard at once for M minutes while a source system sends
/// events over HTTP at a steady rate, against `reform serve` started here over a store with data. Prints p50/p95/p99 per
/// kind of request, the outcomes by status (429 apart), events sent against stored, and the province spot-checks; exits 1
/// when a request failed (5xx, no answer, an unexpected 4xx), an event was lost or stored twice, or a province user saw
/// another province's data.
/// </summary>
internal static class LoadCampaign
{
    public static async Task<int> RunAsync(ParseResult parse, LoadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        await using var target = CampaignTarget.Create(parse, "load");
        await target.EnsureDataAsync(options.Dossiers, cancellationToken);
        var facts = await StoreFacts.ReadAsync(target, cancellationToken);
        var tag = CampaignAccounts.RunTag();
        var requests = Mix(options.Users, facts, tag);
        ConsoleUi.Info($"Đang tạo {requests.Count:N0} tài khoản ({string.Join(", ", requests.GroupBy(r => r.Role).Select(g => $"{g.Count()} {g.Key}"))}) bằng reform users add.");
        var accounts = await CampaignAccounts.CreateAsync(target, requests, cancellationToken);
        var bound = accounts.Where(a => a.IsProvinceBound).Select(a => a.Province!).Distinct().ToList();
        var source = await SourceKey.CreateAsync(target, $"bench-load-{tag}", bound, cancellationToken);
        var eventProvinces = facts.Served.Where(p => source.Provinces.Count == 0 || source.Provinces.Contains(p.Code)).ToList();

        await using var served = await ServedDashboard.StartAsync(target, cancellationToken);
        ConsoleUi.Info($"reform serve chạy ở {served.BaseAddress} (pid {served.Pid}); {accounts.Count:N0} người dùng trong {options.Minutes:N1} phút, nghĩ {options.ThinkSeconds:N1} giây giữa hai lần bấm, {options.EventsPerSecond:N1} sự kiện/giây.");
        var timings = new Timings();
        var guard = new ProvinceGuard();
        var sqlPage = await SqlPageAnswersAsync(served, accounts, facts, cancellationToken);
        var plan = new LoadPlan(facts, TimeSpan.FromSeconds(options.ThinkSeconds), guard, sqlPage is null);
        var feeder = new IntakeFeeder(served.BaseAddress, source, new CampaignEvents($"LD{tag}-", eventProvinces), timings);
        var clients = accounts.Select(a => (Browser: new DashboardClient(served.BaseAddress, a) { Timings = timings },
            Script: a.Token is null ? null : new DashboardClient(served.BaseAddress, a, useToken: true) { Timings = timings })).ToList();
        var duration = TimeSpan.FromMinutes(options.Minutes);
        double peakMb = 0;
        var watch = Stopwatch.StartNew();
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            stop.CancelAfter(duration);
            var rampUp = TimeSpan.FromSeconds(Math.Min(30, duration.TotalSeconds / 4));
            var work = clients.Select((c, i) => new Visitor(c.Browser, c.Script, plan, seed: i).RunAsync(rampUp, stop.Token))
                .Append(feeder.RunAsync(options.EventsPerSecond, TimeSpan.FromSeconds(2), stop.Token))
                .Append(SampleMemoryAsync(served, mb => peakMb = Math.Max(peakMb, mb), stop.Token))
                .ToList();
            await Task.WhenAll(work);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var elapsed = watch.Elapsed;
        var flushed = await feeder.FlushAsync(TimeSpan.FromMinutes(2), cancellationToken);
        foreach (var (browser, script) in clients)
        {
            browser.Dispose();
            script?.Dispose();
        }

        var (rows, distinct) = await IntakeFeeder.StoredAsync(target, feeder.Prefix, cancellationToken);
        peakMb = Math.Max(peakMb, served.MemoryMb().Peak);
        await served.StopAsync();

        var table = timings.ToTable();
        table.Title = new TableTitle($"Tải: {accounts.Count:N0} người dùng, {elapsed.TotalMinutes:N1} phút, {timings.Requests / elapsed.TotalSeconds:N1} yêu cầu/giây");
        ConsoleUi.Out.Write(table);
        var slowest = timings.SlowestPaths(8);
        slowest.Title = new TableTitle("Các đường dẫn chậm nhất (theo p95)");
        ConsoleUi.Out.Write(slowest);
        var lost = feeder.ConfirmedEvents - distinct;
        var twice = rows - distinct;
        ConsoleUi.Out.WriteLine($"Nạp qua HTTP: {feeder.Bodies:N0} lần gửi ({feeder.Resent:N0} gửi lại nguyên thân), {feeder.ConfirmedEvents:N0} sự kiện khác nhau được trả lời 200; "
            + $"máy chủ báo nhận {feeder.Accepted:N0}, trùng {feeder.Duplicates:N0}, loại {feeder.Rejected:N0}; trong kho: {rows:N0} dòng, {distinct:N0} sự kiện khác nhau; mất {lost:N0}, lưu hai lần {twice:N0}.");
        ConsoleUi.Out.WriteLine($"Kiểm tra phạm vi tỉnh: {guard.Checks:N0} lần, lộ dữ liệu tỉnh khác {guard.Leaks:N0}. Bộ nhớ đỉnh của reform serve: {peakMb:N0} MB.");
        foreach (var example in guard.Examples.Concat(feeder.Refusals))
        {
            ConsoleUi.Out.WriteLine($"  - {example}");
        }

        var verdict = new Verdict();
        if (sqlPage is not null)
        {
            verdict.Add(Criterion.Skipped("trang SQL dưới tải", "trả lời 200", sqlPage));
        }

        verdict.Add(Criterion.Check("yêu cầu lỗi (5xx, không trả lời)", "0", $"{timings.Count(o => o.IsServerError || o.Status == Outcome.NoAnswer):N0}",
            timings.Count(o => o.IsServerError || o.Status == Outcome.NoAnswer) == 0));
        verdict.Add(Criterion.Check("4xx ngoài dự kiến (không kể 429)", "0", $"{timings.Count(o => Timings.IsError(o) && o.Status is >= 400 and < 500):N0}",
            timings.Count(o => Timings.IsError(o) && o.Status is >= 400 and < 500) == 0));
        verdict.Add(Criterion.Check("lần gửi sự kiện chưa được nhận (200)", "0", $"{feeder.Unconfirmed:N0}", flushed));
        verdict.Add(Criterion.Check("sự kiện hợp lệ bị từ chối hoặc loại", "0", $"{feeder.RefusedEvents + feeder.Rejected:N0}", feeder.RefusedEvents + feeder.Rejected == 0));
        verdict.Add(Criterion.Check("sự kiện mất", "0", $"{lost:N0}", lost == 0));
        verdict.Add(Criterion.Check("sự kiện lưu hai lần", "0", $"{twice:N0}", twice == 0));
        verdict.Add(Criterion.Check("người dùng tỉnh nhận dữ liệu tỉnh khác", $"0 (trên {guard.Checks:N0} lần kiểm tra)", $"{guard.Leaks:N0}", guard.Leaks == 0 && guard.Checks > 0));
        return verdict.Print("Chiến dịch tải", Reproduce(options, target));
    }

    /// <summary>The mix of roles: mostly province viewers, then national staff, analysts, administrators and report
    /// officers; province-bound users spread over the four provinces with the most data.</summary>
    internal static IReadOnlyList<CampaignAccounts.Request> Mix(int users, StoreFacts facts, string tag)
    {
        ArgumentNullException.ThrowIfNull(facts);
        string[] cycle = [Account.ProvinceViewer, Account.National, Account.ProvinceViewer, Account.Analyst, Account.Admin, Account.ProvinceViewer, Account.Reporter,
            Account.National, Account.ProvinceViewer, Account.Analyst];
        var provinces = facts.Served.Take(4).Select(p => p.Code).ToList();
        var requests = new List<CampaignAccounts.Request>();
        var bound = 0;
        for (var i = 0; i < users; i++)
        {
            var role = cycle[i % cycle.Length];
            var province = role is Account.ProvinceViewer or Account.Reporter ? provinces[bound++ % provinces.Count] : null;
            requests.Add(new CampaignAccounts.Request(string.Create(CultureInfo.InvariantCulture, $"bench-{tag}-{role}-{i}"), role, province, WithToken: role == Account.Analyst));
        }

        return requests;
    }

    /// <summary>Null when an analyst's query on the SQL page is answered 200; else why not (a server without an analyst
    /// account of ClickHouse refuses the page by design): the analysts then call the API instead, and the report says so.</summary>
    private static async Task<string?> SqlPageAnswersAsync(ServedDashboard served, IReadOnlyList<Account> accounts, StoreFacts facts, CancellationToken cancellationToken)
    {
        if (accounts.FirstOrDefault(a => a.Role == Account.Analyst) is not { } analyst)
        {
            return null;
        }

        using var client = new DashboardClient(served.BaseAddress, analyst);
        await client.SignInAsync(cancellationToken);
        var sql = Visitor.Queries[0].Replace("{month}", facts.LastFullMonth.ToString("yyyy-MM-01", CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var answer = await client.PostFormAsync("trang SQL", "/sql", new() { ["sql"] = sql }, cancellationToken);
        if (answer.Ok)
        {
            return null;
        }

        // The page states its refusal in a message starting with "sql:" (or names the missing analyst account).
        var reason = System.Text.RegularExpressions.Regex.Match(System.Net.WebUtility.HtmlDecode(answer.Body), @"(?:sql:|Chưa cấu hình)[^<]{0,200}").Value;
        ConsoleUi.Info($"Trang SQL trả về {answer.Status} cho truy vấn của người phân tích ({reason}); trong lần chạy này người phân tích gọi API thay cho trang SQL.");
        return $"trả về {answer.Status}: {(reason.Length > 0 ? reason : "không rõ lý do")}";
    }

    private static async Task SampleMemoryAsync(ServedDashboard served, Action<double> peak, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                peak(served.MemoryMb().Now);
                await Task.Delay(TimeSpan.FromSeconds(1), stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static string Reproduce(LoadOptions o, CampaignTarget target) => string.Create(CultureInfo.InvariantCulture,
        $"./reform bench load --users {o.Users} --minutes {o.Minutes} --think {o.ThinkSeconds} --events-per-second {o.EventsPerSecond} --dossiers {o.Dossiers} {target.Describe()}");
}
