using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using ReformMetrics.Dashboard.Users;

namespace ReformMetrics.Dashboard.Tests;

/// <summary>The administration page: only administrators, every change audited, forms protected against forgery.</summary>
public sealed partial class AdminTests(DashboardServer server) : IClassFixture<DashboardServer>
{
    [Theory]
    [InlineData("quocgia")]
    [InlineData("tayninh")]
    [InlineData("baocao")]
    [InlineData("phantich")]
    public async Task Only_administrators_open_it_and_only_they_see_its_link(string user)
    {
        var cancel = TestContext.Current.CancellationToken;

        using var refused = await server.As(user).GetAsync(new Uri("/quan-tri", UriKind.Relative), cancel);
        var own = await (await server.As(user).GetAsync(new Uri("/chi-so", UriKind.Relative), cancel)).Content.ReadAsStringAsync(cancel);
        var admin = await (await server.As("quantri").GetAsync(new Uri("/chi-so", UriKind.Relative), cancel)).Content.ReadAsStringAsync(cancel);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.DoesNotContain("href=\"/quan-tri\"", own, StringComparison.Ordinal);
        Assert.Contains("href=\"/quan-tri\"", admin, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_administrator_adds_a_user_and_issues_a_token_that_carries_that_user_s_rights()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var client = server.As("quantri");
        var (cookies, token) = await Forms.OpenAsync(client, "/quan-tri");

        using var weak = await Forms.PostAsync(client, "/quan-tri/nguoi-dung", cookies, token, new() { ["name"] = "moi-tao", ["role"] = "province", ["province"] = "01", ["password"] = "ngan" });
        using var saved = await Forms.PostAsync(client, "/quan-tri/nguoi-dung", cookies, token, new() { ["name"] = "moi-tao", ["role"] = "province", ["province"] = "01", ["password"] = "mat-khau-du-dai" });
        using var forged = await Forms.PostAsync(client, "/quan-tri/nguoi-dung", cookies, null, new() { ["name"] = "gia-mao", ["role"] = "admin", ["password"] = "mat-khau-du-dai" });
        using var issued = await Forms.PostAsync(client, "/quan-tri/ma-api", cookies, token, new() { ["name"] = "moi-tao" });
        var page = await issued.Content.ReadAsStringAsync(cancel);
        var apiToken = ApiToken().Match(page).Value;
        using var api = server.Anonymous();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiToken);
        using var own = await api.GetAsync(new Uri("/api/kpi?period=2025-04&province=01", UriKind.Relative), cancel);
        using var other = await api.GetAsync(new Uri("/api/kpi?period=2025-04&province=80", UriKind.Relative), cancel);

        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Contains("mật khẩu: cần ít nhất 10 ký tự", await weak.Content.ReadAsStringAsync(cancel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        var users = (UserStore)server.Services.GetService(typeof(UserStore))!;
        Assert.Equal((Role.Province, "01"), (await users.FindAsync("moi-tao", cancel)) is { } u ? (u.Role, u.Province) : default);
        Assert.Null(await users.FindAsync("gia-mao", cancel));
        Assert.True(issued.Headers.CacheControl?.NoStore);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        var audit = await ((AuditLog)server.Services.GetService(typeof(AuditLog))!).RecentAsync(100, cancel);
        Assert.Contains(audit, a => a.User == "quantri" && a.Action == "user_saved" && a.Detail == "moi-tao province 01");
        Assert.Contains(audit, a => a.User == "quantri" && a.Action == "token_created" && a.Detail == "moi-tao");
    }


    [GeneratedRegex("rm_[A-Za-z0-9_-]{40,}")]
    private static partial Regex ApiToken();
}
