using System.Collections.Concurrent;
using System.Globalization;
using ReformMetrics.Cli.Bench.Campaign;

namespace ReformMetrics.Cli.Bench.Hostile;

/// <summary>One signed-in (or anonymous) session of the hostile campaign.</summary>
internal sealed record RoleSession(string Role, Account? Account, DashboardClient Client);

/// <summary>One hostile request: which route, as whom, which parameter holds which value, and the request as sent.</summary>
internal sealed record Attempt(RouteEntry Route, RoleSession Session, string? Parameter, HostileValue? Value, string Target, string? FormBody, bool WithAntiforgery = true)
{
    /// <summary>1: the first value of its category (every parameter, category and role gets one); 2: the other values.</summary>
    public int Pass { get; init; } = 1;

    public string Describe() => $"{Session.Role}: {Route.Method} {Route.Pattern}"
        + (Parameter is null ? string.Empty : $" {Parameter} = {HostileValues.Describe(Value!)}") + (WithAntiforgery ? string.Empty : " (không có mã chống giả mạo)");
}

/// <summary>
/// Every parameter of every route, with every hostile value, for every role (anonymous visitors get one value of each
/// category: they are turned away before any parameter is read). The other parameters keep valid values, so that the
/// hostile one is what the handler meets; forms carry the session's antiforgery token (and each form is also sent once
/// without it). Requests are written by hand (<see cref="RawHttp"/>) so that nothing is normalised on the way.
/// </summary>
internal sealed class RouteAttack(Uri server, StoreFacts facts, string tag, string storeDirectory, Timings timings, ProvinceGuard guard)
{
    private readonly ConcurrentQueue<string> _serverErrors = new();
    private readonly ConcurrentQueue<string> _leaks = new();
    private readonly ConcurrentDictionary<string, long> _leakKinds = new(StringComparer.Ordinal);
    private long _tried;
    private long _noAnswer;
    private long _throttled;

    public long Tried => Interlocked.Read(ref _tried);

    public long NoAnswer => Interlocked.Read(ref _noAnswer);

    /// <summary>Answers of 429 waited out and sent again.</summary>
    public long Throttled => Interlocked.Read(ref _throttled);

    public IReadOnlyList<string> ServerErrors => _serverErrors.ToList();

    public IReadOnlyList<string> Leaks => _leaks.ToList();

    public IReadOnlyDictionary<string, long> LeakKinds => _leakKinds;

    /// <summary>Sends each route's valid request once per session and returns the (route, role) pairs turned away before any
    /// parameter is read (401, 403, or a redirect to the sign-in page): those get one value of each category, like anonymous
    /// visitors, since the answer cannot depend on the value.</summary>
    public async Task<IReadOnlySet<(string Route, string Role)>> BaselineAsync(IReadOnlyList<RouteEntry> routes, IReadOnlyList<RoleSession> sessions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(sessions);
        var refused = new ConcurrentDictionary<(string, string), bool>();
        var baselines = Attacked(routes).Where(r => !SignsOut(r)).SelectMany(route => sessions.Select(session => Build(route, session, null, null))).ToList();
        await Parallel.ForEachAsync(baselines, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (attempt, token) =>
        {
            var answer = await SendAsync(attempt, token);
            if (answer.Status is 401 or 403 || (answer.Status is 302 or 303 && answer.Location?.Contains("/dang-nhap", StringComparison.Ordinal) == true))
            {
                refused[(attempt.Route.Key, attempt.Session.Role)] = true;
            }
        });
        return refused.Keys.ToHashSet();
    }

    /// <summary>The attempts for all routes and sessions (their valid requests were sent by <see cref="BaselineAsync"/>); the
    /// sign-out route last, so that no session ends before the others ran.</summary>
    public IReadOnlyList<Attempt> Plan(IReadOnlyList<RouteEntry> routes, IReadOnlyList<RoleSession> sessions, IReadOnlySet<(string Route, string Role)> refused, bool quick)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(refused);
        var attempts = new List<Attempt>();
        foreach (var route in Attacked(routes).OrderBy(SignsOut))
        {
            foreach (var session in sessions)
            {
                var turnedAway = refused.Contains((route.Key, session.Role));
                if (SignsOut(route))
                {
                    attempts.Add(Build(route, session, null, null));
                }

                if (route.Method == "POST")
                {
                    attempts.Add(Build(route, session, null, null) with { WithAntiforgery = false, FormBody = Form(route, session, null, null, antiforgery: false) });
                }

                var parameters = route.Parameters.Count > 0 ? route.Parameters
                    : [new RouteParameter("x", route.Method == "POST" ? ParameterSource.Form : ParameterSource.Query)];
                foreach (var parameter in parameters)
                {
                    foreach (var (value, pass) in Values(route, parameter, session, quick || turnedAway))
                    {
                        attempts.Add(Build(route, session, parameter, value) with { Pass = pass });
                    }
                }
            }
        }

        return attempts;
    }

    /// <summary>Sends every first-pass attempt (one value of each category for every parameter and role), then the others
    /// until <paramref name="deadline"/>; the sign-out route's attempts last of all. Returns the attempts not sent.</summary>
    public async Task<int> RunAsync(IReadOnlyList<Attempt> attempts, int parallel, DateTime deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken };
        var first = attempts.Where(a => a.Pass == 1 && !SignsOut(a.Route)).ToList();
        var second = attempts.Where(a => a.Pass == 2 && !SignsOut(a.Route)).ToList();
        await Parallel.ForEachAsync(first, options, async (attempt, token) => await SendAsync(attempt, token));
        var skipped = 0;
        await Parallel.ForEachAsync(second, options, async (attempt, token) =>
        {
            if (DateTime.UtcNow > deadline)
            {
                Interlocked.Increment(ref skipped);
                return;
            }

            await SendAsync(attempt, token);
        });
        foreach (var attempt in attempts.Where(a => SignsOut(a.Route)))
        {
            await SendAsync(attempt, cancellationToken);
        }

        return skipped;
    }

    private static IEnumerable<RouteEntry> Attacked(IReadOnlyList<RouteEntry> routes) => routes.Where(r => r.Key != "POST /api/events");

    /// <summary>Signing out may end the session on the server: it is tried after everything else.</summary>
    private static bool SignsOut(RouteEntry route) => route.Pattern == "/dang-xuat";

    private async Task<RawAnswer> SendAsync(Attempt attempt, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal) { ["Accept"] = "text/html,application/json;q=0.9,*/*;q=0.8" };
        if (attempt.Session.Client.CookieHeader is { Length: > 0 } cookies)
        {
            headers["Cookie"] = cookies;
        }

        if (attempt.FormBody is not null)
        {
            headers["Content-Type"] = "application/x-www-form-urlencoded";
        }

        var form = attempt.FormBody is null ? null : System.Text.Encoding.ASCII.GetBytes(attempt.FormBody);
        var raw = await RawHttp.SendAsync(server, attempt.Route.Method, attempt.Target, headers, form, cancellationToken);
        // A throttled input never reached its handler: wait as asked (at most 10 s, three times) and send it again.
        for (var retry = 0; raw.Status == 429 && retry < 3; retry++)
        {
            Interlocked.Increment(ref _throttled);
            await Task.Delay(raw.RetryAfter is { } wait && wait < TimeSpan.FromSeconds(10) ? wait : TimeSpan.FromSeconds(10), cancellationToken);
            raw = await RawHttp.SendAsync(server, attempt.Route.Method, attempt.Target, headers, form, cancellationToken);
        }

        var (status, body, contentType, milliseconds) = (raw.Status, raw.Body, raw.ContentType, raw.Milliseconds);
        Interlocked.Increment(ref _tried);
        timings.Add($"{attempt.Route.Method} {attempt.Route.Pattern}", milliseconds, new Outcome(status, Expected: true));
        if (status == Outcome.NoAnswer)
        {
            Interlocked.Increment(ref _noAnswer);
            Note(_serverErrors, $"không trả lời: {attempt.Describe()}");
        }
        else if (status >= 500)
        {
            Note(_serverErrors, $"{status}: {attempt.Describe()}");
        }

        var clickHouseExpected = attempt.Route.Key == "POST /sql" && attempt.Session.Role is Account.Analyst or Account.Admin;
        foreach (var kind in LeakDetector.Find(body, contentType, clickHouseExpected))
        {
            _leakKinds.AddOrUpdate(kind, 1, (_, n) => n + 1);
            Note(_leaks, $"{kind}: {attempt.Describe()} → {status}");
        }

        CheckProvince(attempt, new Answer(status, body, milliseconds, contentType, null));
        return raw;
    }

    private void CheckProvince(Attempt attempt, Answer answer)
    {
        if (attempt.Session.Account is not { IsProvinceBound: true } account)
        {
            return;
        }

        var own = facts.Provinces.First(p => p.Code == account.Province);
        if (attempt.Value?.Category == HostileValues.OtherProvince)
        {
            guard.Refused(account, attempt.Describe(), answer);
        }
        else if (answer.ContentType == "application/json" && attempt.Route.Pattern.StartsWith("/api/", StringComparison.Ordinal))
        {
            var geo2008 = attempt.Target.Contains("geo=2008", StringComparison.Ordinal);
            guard.Json(account, attempt.Describe(), answer, geo2008 ? [.. own.OldCodes, "N" + own.Code] : [own.Code]);
        }
        else if (attempt.Route.Pattern == "/qua-han/csv" && !attempt.Target.Contains("geo=2008", StringComparison.Ordinal))
        {
            guard.Csv(account, attempt.Describe(), answer, "tinh", [own.Name]);
        }
    }

    private IEnumerable<(HostileValue Value, int Pass)> Values(RouteEntry route, RouteParameter parameter, RoleSession session, bool onePerCategory)
    {
        IEnumerable<HostileValue> values = HostileValues.All;
        if (route.NamesFile && parameter.Source == ParameterSource.Route)
        {
            values = values.Concat(HostileValues.FilePaths(storeDirectory));
        }

        if (parameter.Name is "province" or "code")
        {
            var own = Own(session);
            var other = facts.Served.First(p => p.Code != own.Code);
            values = values.Concat(HostileValues.OtherProvinces(own.Code, other.Code, other.OldCodes.FirstOrDefault(c => !own.OldCodes.Contains(c)) ?? other.Code));
        }

        // Anonymous visitors, sessions the route turns away, and quick runs get one value of each category; the others get
        // that one first, the rest in a second pass.
        return values.GroupBy(v => v.Category)
            .SelectMany(g => g.Select((v, i) => (Value: v, Pass: i == 0 ? 1 : 2)))
            .Where(v => v.Pass == 1 || !(session.Account is null || onePerCategory));
    }

    private Attempt Build(RouteEntry route, RoleSession session, RouteParameter? parameter, HostileValue? value)
    {
        var path = route.Pattern;
        foreach (var routeParameter in route.Parameters.Where(p => p.Source == ParameterSource.Route))
        {
            var text = routeParameter == parameter ? value!.Encoded : Uri.EscapeDataString(Baseline(route, routeParameter.Name, session) ?? "x");
            path = path.Replace("{**" + routeParameter.Name + "}", text, StringComparison.Ordinal).Replace("{" + routeParameter.Name + "}", text, StringComparison.Ordinal);
        }

        var query = route.Parameters.Where(p => p.Source == ParameterSource.Query && p != parameter)
            .Select(p => (p.Name, Value: Baseline(route, p.Name, session))).Where(p => p.Value is not null)
            .Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value!)).ToList();
        if (parameter?.Source == ParameterSource.Query)
        {
            query.Add(HostileValues.Pair(parameter.Name, value!));
        }

        var target = query.Count == 0 ? path : path + "?" + string.Join('&', query);
        var form = route.Method == "POST" ? Form(route, session, parameter?.Source == ParameterSource.Form ? parameter : null, value, antiforgery: true) : null;
        return new Attempt(route, session, parameter?.Name, value, target, form);
    }

    private string Form(RouteEntry route, RoleSession session, RouteParameter? parameter, HostileValue? value, bool antiforgery)
    {
        var fields = route.Parameters.Where(p => p.Source == ParameterSource.Form && p != parameter)
            .Select(p => (p.Name, Value: Baseline(route, p.Name, session))).Where(p => p.Value is not null)
            .Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value!)).ToList();
        if (parameter is not null)
        {
            fields.Add(HostileValues.Pair(parameter.Name, value!));
        }

        if (antiforgery && session.Client.AntiforgeryToken is { } token)
        {
            fields.Add("__RequestVerificationToken=" + Uri.EscapeDataString(token));
        }

        return string.Join('&', fields);
    }

    /// <summary>A valid value for a parameter that is not the one under attack (null: left out).</summary>
    private string? Baseline(RouteEntry route, string name, RoleSession session) => (route.Pattern, name.ToLowerInvariant()) switch
    {
        (_, "period") => facts.Periods[0],
        (_, "geo") => "2025",
        (_, "province" or "code") => Own(session).Code,
        (_, "loai") => "hien-tai",
        (_, "sap-xep") => "ngay-qua-han",
        (_, "trang") => "1",
        (_, "tang") => "0",
        (_, "metric") => Metrics.Catalogue.MetricCatalogue.OnTimeRate.Key,
        (_, "form") => "tthc-results",
        (_, "format") => "xlsx",
        (_, "sql") => "SELECT count() FROM v_kpi_month",
        (_, "file") => "khong-co-tep.xlsx",
        (_, "path") => "site.css",
        ("/dang-nhap", "name") => "bench-hostile-nobody",
        ("/dang-nhap", "password") => "not-the-password-1",
        ("/dang-nhap", "returnurl") => "/",
        (_, "name") => $"bench-{tag}-probe",
        (_, "role") => "analyst",
        (_, "password") => $"probe-password-{tag}",
        _ => null,
    };

    private ProvinceFacts Own(RoleSession session) =>
        session.Account?.Province is { } code ? facts.Provinces.First(p => p.Code == code) : facts.Served[0];

    private static void Note(ConcurrentQueue<string> queue, string line)
    {
        if (queue.Count < 200)
        {
            queue.Enqueue(line);
        }
    }

    public static string Percent(long part, long whole) => whole == 0 ? "0" : (100.0 * part / whole).ToString("N1", CultureInfo.GetCultureInfo("vi-VN"));
}
