using System.CommandLine;
using System.Diagnostics;
using ReformMetrics.Cli.Bench.Campaign;
using Spectre.Console;

namespace ReformMetrics.Cli.Bench.Hostile;

/// <summary>The knobs of a hostile-input run.</summary>
internal sealed record HostileOptions(bool Quick, IReadOnlyList<string> Routes, IReadOnlyList<string> Roles, int Parallel, long Dossiers, double Minutes)
{
    public static readonly string[] AllRoles = ["anonymous", Account.National, Account.ProvinceViewer, Account.Reporter, Account.Analyst, Account.Admin];
}

/// <summary>
/// `reform bench hostile`: every parameter of every route of `reform serve` (discovered from the application, then from its
/// pages) with SQL-shaped, oversized, mistyped, control-character, Unicode-edge, traversal and markup values, for every
/// role; hostile bodies and gzip bombs for <c>POST /api/events</c>; traversal on every route that names a file. Prints the
/// inputs tried and the answers by status per route, and exits 1 on any 5xx, an unanswered request, a leak (see
/// <see cref="LeakDetector"/>), another province's data reaching a province user, a gzip bomb taking the server over 600 MB,
/// or a hand-reading route nobody listed.
/// </summary>
internal static class HostileCampaign
{
    public const double BombLimitMb = 600;

    private static readonly Dictionary<string, string> RaisedLimits = new(StringComparer.Ordinal)
    {
        ["REFORM_Dashboard__RequestsPerMinute"] = "100000", ["REFORM_Dashboard__ExportsPerMinute"] = "10000",
        ["REFORM_Dashboard__LoginsPerMinute"] = "10000", ["REFORM_Dashboard__ConcurrentRequests"] = "64",
    };

    public static async Task<int> RunAsync(ParseResult parse, HostileOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        await using var target = CampaignTarget.Create(parse, "hostile");
        if (parse.GetValue(GlobalOptions.Store) is { Length: > 0 })
        {
            ConsoleUi.Info("Lưu ý: chiến dịch tạo tài khoản thử (bench-...) và gửi dữ liệu hỏng vào kho này; nên dùng một kho riêng để thử.");
        }

        await target.EnsureDataAsync(options.Dossiers, cancellationToken);
        var facts = await StoreFacts.ReadAsync(target, cancellationToken);
        var discovery = await RouteCatalogue.DiscoverAsync(parse);
        var routes = discovery.Routes.Where(r => options.Routes.Count == 0 || options.Routes.Any(p => r.Pattern.StartsWith(p, StringComparison.Ordinal))).ToList();
        var tag = CampaignAccounts.RunTag();
        var own = facts.Served.Take(2).Select(p => p.Code).ToList();
        var requests = options.Roles.Where(r => r != "anonymous").Select(role => new CampaignAccounts.Request(
            $"bench-{tag}-{role}", role, role is Account.ProvinceViewer ? own[0] : role is Account.Reporter ? own[^1] : null, WithToken: false)).ToList();
        var accounts = await CampaignAccounts.CreateAsync(target, requests, cancellationToken);
        var source = await SourceKey.CreateAsync(target, $"bench-hostile-{tag}", own, cancellationToken);

        // The per-user and per-address rates are raised so that every input reaches its handler rather than a 429 (the load
        // campaign runs with the product's own limits); settings a version does not know are ignored.
        await using var served = await ServedDashboard.StartAsync(target, cancellationToken, RaisedLimits);
        ConsoleUi.Info($"reform serve chạy ở {served.BaseAddress} (pid {served.Pid}), giới hạn tần suất được nới cho chiến dịch; {routes.Count} đường dẫn, {routes.Sum(r => r.Parameters.Count)} tham số.");
        var timings = new Timings();
        var guard = new ProvinceGuard();
        var watch = Stopwatch.StartNew();

        var intake = new IntakeFuzz(served, source, timings);
        if (options.Routes.Count == 0 || options.Routes.Any(p => "/api/events".StartsWith(p, StringComparison.Ordinal)))
        {
            var cases = IntakeCases.All(new CampaignEvents($"HS{tag}-", facts.Served.Where(p => own.Contains(p.Code)).ToList()), options.Quick)
                .Where(c => !options.Quick || !(c.Bomb || c.Heavy || c.Category == IntakeCases.Size)).ToList();
            ConsoleUi.Info($"Đang gửi {cases.Count:N0} thân dữ liệu hỏng tới POST /api/events.");
            await intake.RunAsync(cases, cancellationToken);
        }

        if (served.HasExited)
        {
            throw new CampaignException($"reform serve đã dừng trong khi nhận dữ liệu hỏng: {served.LogTail(5)}");
        }

        var sessions = new List<RoleSession>();
        foreach (var role in options.Roles)
        {
            var account = accounts.FirstOrDefault(a => a.Role == role);
            var client = new DashboardClient(served.BaseAddress, account) { Timings = timings };
            if (account is not null)
            {
                await client.SignInAsync(cancellationToken);
            }

            await client.PrepareFormsAsync(cancellationToken);
            sessions.Add(new RoleSession(role, account, client));
        }

        var crawled = await PageCrawl.ExtendAsync(routes, sessions.Where(s => s.Account is not null).Select(s => s.Client), cancellationToken);
        var added = crawled.Sum(r => r.Parameters.Count) - routes.Sum(r => r.Parameters.Count);
        var attack = new RouteAttack(served.BaseAddress, facts, tag, target.StoreDirectory, timings, guard);
        var refused = await attack.BaselineAsync(crawled, sessions, cancellationToken);
        var attempts = attack.Plan(crawled, sessions, refused, options.Quick);
        ConsoleUi.Info($"Đang thử {attempts.Count:N0} yêu cầu trên {crawled.Count} đường dẫn ({added} tham số tìm thêm khi duyệt trang), {sessions.Count} vai trò, {options.Parallel} luồng.");
        var skipped = await attack.RunAsync(attempts, options.Parallel, DateTime.UtcNow + (TimeSpan.FromMinutes(options.Minutes) - watch.Elapsed), cancellationToken);

        using var health = new HttpClient { BaseAddress = served.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var healthy = await ServedDashboard.HealthyAsync(health, cancellationToken);
        var (rssNow, rssPeak) = served.MemoryMb();
        foreach (var session in sessions)
        {
            session.Client.Dispose();
        }

        await served.StopAsync();
        return Report(options, target, timings, discovery, crawled, attack, intake, guard, healthy, rssNow, rssPeak, watch.Elapsed, (attempts.Count, attempts.Count(a => a.Pass == 1), skipped));
    }

    private static int Report(
        HostileOptions options, CampaignTarget target, Timings timings, RouteDiscovery discovery, IReadOnlyList<RouteEntry> routes, RouteAttack attack,
        IntakeFuzz intake, ProvinceGuard guard, bool healthy, double rssNow, double rssPeak, TimeSpan elapsed, (int Planned, int FirstPass, int Skipped) plan)
    {
        var table = timings.ToTable();
        table.Title = new TableTitle($"Đầu vào độc hại: {attack.Tried + intake.Tried:N0} yêu cầu trong {elapsed.TotalMinutes:N1} phút");
        ConsoleUi.Out.Write(table);
        ConsoleUi.Out.WriteLine($"Đường dẫn: {routes.Count} ({string.Join(", ", routes.Select(r => r.Key))}).");
        ConsoleUi.Out.WriteLine($"Kế hoạch: {plan.Planned:N0} yêu cầu; lượt đầu (mỗi tham số × loại giá trị × vai trò một lần) {plan.FirstPass:N0}, đã gửi hết; "
            + $"lượt sau {plan.Planned - plan.FirstPass - plan.Skipped:N0} / {plan.Planned - plan.FirstPass:N0}"
            + (plan.Skipped > 0 ? $", {plan.Skipped:N0} bỏ lại vì hết thời gian (--minutes)." : "."));
        ConsoleUi.Out.WriteLine($"Đã thử {attack.Tried:N0} yêu cầu trên các trang và API, {intake.Tried:N0} thân dữ liệu tới POST /api/events; "
            + $"5xx: {Timings.Statuses(ServerStatuses(timings))}; không trả lời: {attack.NoAnswer + intake.NoAnswer:N0}; 429 chờ rồi gửi lại: {attack.Throttled:N0}.");
        ConsoleUi.Out.WriteLine($"Lộ thông tin: {attack.LeakKinds.Values.Sum() + intake.Leaks:N0}{(attack.LeakKinds.Count == 0 ? string.Empty : " (" + string.Join(", ", attack.LeakKinds.Select(k => $"{k.Key}: {k.Value:N0}")) + ")")}; "
            + $"kiểm tra phạm vi tỉnh: {guard.Checks:N0}, lộ dữ liệu tỉnh khác: {guard.Leaks:N0}.");
        foreach (var bomb in intake.BombResults)
        {
            ConsoleUi.Out.WriteLine($"  bom gzip: {bomb}");
        }

        ConsoleUi.Out.WriteLine($"reform serve cuối chiến dịch: /healthz {(healthy ? "200" : "không trả lời 200")}, bộ nhớ {rssNow:N0} MB (đỉnh {rssPeak:N0} MB).");
        foreach (var line in attack.ServerErrors.Concat(intake.Findings).Concat(attack.Leaks).Concat(guard.Examples).Take(40))
        {
            ConsoleUi.Out.WriteLine($"  - {line}");
        }

        var verdict = new Verdict();
        verdict.Add(Criterion.Check("đường dẫn đọc tham số tự viết chưa có trong danh sách", "0", discovery.Unlisted.Count == 0 ? "0" : string.Join(", ", discovery.Unlisted),
            discovery.Unlisted.Count == 0));
        var serverErrors = timings.Count(o => o.IsServerError);
        verdict.Add(Criterion.Check("trả lời 5xx", "0", serverErrors == 0 ? "0" : Timings.Statuses(ServerStatuses(timings)), serverErrors == 0));
        verdict.Add(Criterion.Check("yêu cầu không được trả lời", "0", $"{attack.NoAnswer + intake.NoAnswer:N0}", attack.NoAnswer + intake.NoAnswer == 0));
        var leaks = attack.LeakKinds.Values.Sum() + intake.Leaks;
        verdict.Add(Criterion.Check("lộ thông tin (dấu vết ngăn xếp, lỗi ClickHouse, tệp của máy chủ, HTML chưa mã hoá)", "0", $"{leaks:N0}", leaks == 0));
        verdict.Add(Criterion.Check("người dùng tỉnh nhận dữ liệu tỉnh khác", $"0 (trên {guard.Checks:N0} lần kiểm tra)", $"{guard.Leaks:N0}",
            guard.Leaks == 0 && (guard.Checks > 0 || !options.Roles.Any(r => r is Account.ProvinceViewer or Account.Reporter))));
        verdict.Add(intake.BombResults.Count == 0
            ? Criterion.Skipped("bộ nhớ đỉnh của reform serve khi gặp bom gzip", $"≤ {BombLimitMb:N0} MB", "không chạy (--quick hoặc --routes)")
            : Criterion.Check("bộ nhớ đỉnh của reform serve khi gặp bom gzip", $"≤ {BombLimitMb:N0} MB", $"{intake.BombPeakMb:N0} MB", intake.BombPeakMb <= BombLimitMb));
        verdict.Add(Criterion.Check("reform serve còn trả lời /healthz cuối chiến dịch", "200", healthy ? "200" : "không", healthy));
        return verdict.Print("Chiến dịch đầu vào độc hại", Reproduce(options, target));
    }

    private static IEnumerable<int> ServerStatuses(Timings timings) =>
        Enumerable.Range(500, 100).SelectMany(status => Enumerable.Repeat(status, (int)timings.ServerErrors(status)));

    private static string Reproduce(HostileOptions o, CampaignTarget target) =>
        "./reform bench hostile" + (o.Quick ? " --quick" : string.Empty) + (o.Routes.Count > 0 ? " --routes " + string.Join(',', o.Routes) : string.Empty)
        + (o.Roles.Count != HostileOptions.AllRoles.Length ? " --roles " + string.Join(',', o.Roles) : string.Empty)
        + string.Create(System.Globalization.CultureInfo.InvariantCulture, $" --minutes {o.Minutes} --parallel {o.Parallel} --dossiers {o.Dossiers} {target.Describe()}");
}
