using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.TestHost;
using ReformMetrics.Dashboard.Users;

namespace ReformMetrics.Dashboard.Tests;

/// <summary>Who may call what: every API endpoint for anonymous callers and each role, provinces asked for by URL, the
/// cookie login with its antiforgery check and lockout, and a store that does not answer.</summary>
public sealed partial class AuthorizationTests(DashboardServer server) : IClassFixture<DashboardServer>
{
    public static readonly string[] Endpoints =
        ["/api/metrics", "/api/kpi?period=2025-04", "/api/rankings?period=2025-04", "/api/index766?period=2025-04"];

    public static TheoryData<string, string, HttpStatusCode> Matrix()
    {
        var data = new TheoryData<string, string, HttpStatusCode>();
        foreach (var endpoint in Endpoints)
        {
            data.Add("", endpoint, HttpStatusCode.Unauthorized);
            foreach (var (user, _, _) in DashboardServer.Users)
            {
                data.Add(user, endpoint, HttpStatusCode.OK);
            }
        }

        // Another province, by URL: refused to province-bound roles in either geography, allowed to the others.
        foreach (var path in new[] { "/api/kpi?period=2025-04&province=01", "/api/kpi?period=2025-04&geo=2008&province=01",
                     "/api/rankings?period=2025-04&province=01", "/api/index766?period=2025-04&province=01" })
        {
            foreach (var (user, role, _) in DashboardServer.Users)
            {
                data.Add(user, path, role.IsProvinceBound() ? HttpStatusCode.Forbidden : HttpStatusCode.OK);
            }
        }

        // Their own province's pre-merger units (Tây Ninh 72 and Long An 80 became Tây Ninh 80) are theirs.
        data.Add("tayninh", "/api/kpi?period=2025-04&geo=2008&province=72", HttpStatusCode.OK);
        data.Add("baocao", "/api/kpi?period=2025-04&geo=2008&province=72,80", HttpStatusCode.OK);
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_role_gets_exactly_what_it_may_see(string user, string path, HttpStatusCode expected)
    {
        using var client = user.Length == 0 ? server.Anonymous() : server.As(user);

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(expected == response.StatusCode, $"{user} {path}: {(int)response.StatusCode} {body}");
        if (expected != HttpStatusCode.OK)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Matches("[ạảấầẩậắằẳặđẹẻếềểệịỉọỏốồổộớờởợụủứừửựỳỷỹ]", body);
        }
    }

    [Fact]
    public async Task A_wrong_or_unknown_token_is_401()
    {
        using var client = server.Anonymous();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "rm_not-a-token");

        using var response = await client.GetAsync(new Uri("/api/kpi?period=2025-04", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_cookie_login_needs_the_antiforgery_token_and_then_gives_the_same_rights_as_the_token()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var client = server.Anonymous();
        var (cookies, token) = await Forms.OpenAsync(client, "/dang-nhap");

        using var forged = await Forms.PostAsync(client, "/dang-nhap", cookies, null, new() { ["name"] = "tayninh", ["password"] = DashboardServer.Password, ["returnUrl"] = "/" });
        using var signedIn = await Forms.PostAsync(client, "/dang-nhap", cookies, token, new() { ["name"] = "tayninh", ["password"] = DashboardServer.Password, ["returnUrl"] = "/" });

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var session = string.Join("; ", signedIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        Assert.Contains("reform.session=", session, StringComparison.Ordinal);
        using var own = new HttpRequestMessage(HttpMethod.Get, "/api/kpi?period=2025-04");
        own.Headers.Add("Cookie", session);
        using var other = new HttpRequestMessage(HttpMethod.Get, "/api/kpi?period=2025-04&province=01");
        other.Headers.Add("Cookie", session);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(own, cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(other, cancel)).StatusCode);
    }

    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_account_even_against_the_right_one_and_are_audited()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var scope = await DashboardServer.StartAsync(server.Store);
        var users = (UserStore)scope.Services.GetService(typeof(UserStore))!;
        await users.SaveAsync("khoa-thu", Role.National, null, DashboardServer.Password, cancel);
        using var client = server.Anonymous();
        var (cookies, token) = await Forms.OpenAsync(client, "/dang-nhap");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await Forms.PostAsync(client, "/dang-nhap", cookies, token, new() { ["name"] = "khoa-thu", ["password"] = "sai-mat-khau-" + i, ["returnUrl"] = "/" });
            statuses.Add(wrong.StatusCode);
        }

        using var right = await Forms.PostAsync(client, "/dang-nhap", cookies, token, new() { ["name"] = "khoa-thu", ["password"] = DashboardServer.Password, ["returnUrl"] = "/" });
        var page = await right.Content.ReadAsStringAsync(cancel);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
        Assert.Contains("tạm thời bị khoá", page, StringComparison.Ordinal);
        var audit = await ((AuditLog)scope.Services.GetService(typeof(AuditLog))!).RecentAsync(50, cancel);
        Assert.Equal(4, audit.Count(a => a.User == "khoa-thu" && a.Action == "login_failed"));
        Assert.Equal(2, audit.Count(a => a.User == "khoa-thu" && a.Action == "locked_out"));
    }

    [Fact]
    public async Task A_store_that_does_not_answer_is_a_503_problem_not_a_stack_trace()
    {
        await using var store = await DashboardServer.UnreachableStoreAsync();
        await using var app = await DashboardServer.StartAsync(store);
        using var client = app.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "rm_any");

        using var response = await client.GetAsync(new Uri("/api/kpi?period=2025-04", UriKind.Relative), TestContext.Current.CancellationToken);

        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("30", response.Headers.RetryAfter?.ToString());
        Assert.Contains("Kho dữ liệu tạm thời không trả lời", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_service_recovers_by_itself_when_the_store_comes_back()
    {
        var cancel = TestContext.Current.CancellationToken;
        var port = int.Parse(PortOf().Match(server.Engine.ConnectionString).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        await using var proxy = new SwitchableProxy(port);
        proxy.Start();
        var options = Microsoft.Extensions.Options.Options.Create(new Store.ClickHouseOptions
        {
            ConnectionString = PortOf().Replace(server.Engine.ConnectionString, $"Port={proxy.Port}"), Database = server.Store.Database, QueryTimeoutSeconds = 10,
        });
        await using var store = new Store.ClickHouseStore(options, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        await store.OpenAsync(null, cancel);
        await using var app = await DashboardServer.StartAsync(store);
        var users = (UserStore)app.Services.GetService(typeof(UserStore))!;
        using var client = app.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await users.CreateTokenAsync("quocgia", "recovery", cancel));
        var path = new Uri("/api/kpi?period=2025-04&geo=2008", UriKind.Relative);

        using var before = await client.GetAsync(path, cancel);
        proxy.Stop();
        using var down = await client.GetAsync(path, cancel);
        proxy.Start();
        using var after = await client.GetAsync(path, cancel);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [GeneratedRegex(@"Port=(\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex PortOf();

}
