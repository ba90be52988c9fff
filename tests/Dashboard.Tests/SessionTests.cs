using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using ReformMetrics.Dashboard.Users;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Dashboard.Tests;

/// <summary>Sessions and API tokens end when the account changes: a new role, a disabled account, a revoked or expired
/// token take effect at the very next request. Unknown names cost a login the same password-hash work as known ones.</summary>
public sealed class SessionTests(DashboardServer server) : IClassFixture<DashboardServer>
{
    private UserStore Users => server.Services.GetRequiredService<UserStore>();

    [Fact]
    public async Task A_demoted_administrator_s_session_ends_at_the_next_request()
    {
        var cancel = TestContext.Current.CancellationToken;
        await Users.SaveAsync("ha-cap", Role.Admin, null, DashboardServer.Password, cancel);
        using var client = server.Anonymous();
        var session = await Forms.SignInAsync(client, "ha-cap", DashboardServer.Password);
        using var before = await Forms.GetWithCookieAsync(client, "/quan-tri", session);

        await Users.SaveAsync("ha-cap", Role.Province, "80", DashboardServer.Password, cancel);
        using var page = await Forms.GetWithCookieAsync(client, "/quan-tri", session);
        using var api = await Forms.GetWithCookieAsync(client, "/api/kpi?period=2025-04&province=01", session);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/dang-nhap", page.Headers.Location?.AbsolutePath);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task A_password_change_ends_the_other_sessions_and_the_new_login_works()
    {
        var cancel = TestContext.Current.CancellationToken;
        await Users.SaveAsync("doi-mat-khau", Role.National, null, DashboardServer.Password, cancel);
        using var client = server.Anonymous();
        var old = await Forms.SignInAsync(client, "doi-mat-khau", DashboardServer.Password);

        await Users.SaveAsync("doi-mat-khau", Role.National, null, "mat-khau-moi-hoan-toan", cancel);
        using var stale = await Forms.GetWithCookieAsync(client, "/api/metrics", old);
        var fresh = await Forms.SignInAsync(client, "doi-mat-khau", "mat-khau-moi-hoan-toan");
        using var current = await Forms.GetWithCookieAsync(client, "/api/metrics", fresh);

        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
    }

    [Fact]
    public async Task Users_disable_ends_the_session_refuses_the_token_and_the_login_and_users_enable_restores_them()
    {
        var cancel = TestContext.Current.CancellationToken;
        await Users.SaveAsync("tam-khoa", Role.National, null, DashboardServer.Password, cancel);
        var token = await Users.CreateTokenAsync("tam-khoa", "tests", cancel);
        using var client = server.Anonymous();
        var session = await Forms.SignInAsync(client, "tam-khoa", DashboardServer.Password);

        var disabled = await ReformAsync("users", "disable", "tam-khoa");
        using var page = await Forms.GetWithCookieAsync(client, "/", session);
        using var api = await WithTokenAsync(token, "/api/metrics");
        var (cookies, antiforgery) = await Forms.OpenAsync(client, "/dang-nhap");
        using var login = await Forms.PostAsync(client, "/dang-nhap", cookies, antiforgery, new() { ["name"] = "tam-khoa", ["password"] = DashboardServer.Password, ["returnUrl"] = "/" });
        var enabled = await ReformAsync("users", "enable", "tam-khoa");
        using var again = await WithTokenAsync(token, "/api/metrics");
        var list = await ReformAsync("users", "list");

        Assert.True(disabled.ExitCode == 0, disabled.StandardError);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        Assert.Contains("Tên đăng nhập hoặc mật khẩu không đúng.", await login.Content.ReadAsStringAsync(cancel), StringComparison.Ordinal);
        Assert.True(enabled.ExitCode == 0, enabled.StandardError);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("tam-khoa", list.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_token_is_refused_and_revoke_all_ends_the_others()
    {
        var cancel = TestContext.Current.CancellationToken;
        await Users.SaveAsync("thu-hoi", Role.National, null, DashboardServer.Password, cancel);
        var first = await Users.CreateTokenAsync("thu-hoi", "kich-ban-1", cancel);
        var second = await Users.CreateTokenAsync("thu-hoi", "kich-ban-2", cancel);

        var listed = await ReformAsync("users", "tokens", "--name", "thu-hoi");
        var revoked = await ReformAsync("users", "token", "--name", "thu-hoi", "--revoke", IdOf(first));
        using var firstAfter = await WithTokenAsync(first, "/api/metrics");
        using var secondAfter = await WithTokenAsync(second, "/api/metrics");
        var all = await ReformAsync("users", "token", "--name", "thu-hoi", "--revoke-all");
        using var secondAfterAll = await WithTokenAsync(second, "/api/metrics");

        Assert.True(listed.ExitCode == 0, listed.StandardError);
        Assert.Contains(IdOf(first), listed.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("kich-ban-2", listed.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(first, listed.StandardOutput, StringComparison.Ordinal);
        Assert.True(revoked.ExitCode == 0, revoked.StandardError);
        Assert.Equal(HttpStatusCode.Unauthorized, firstAfter.StatusCode);
        Assert.Equal(HttpStatusCode.OK, secondAfter.StatusCode);
        Assert.True(all.ExitCode == 0, all.StandardError);
        Assert.Equal(HttpStatusCode.Unauthorized, secondAfterAll.StatusCode);
    }

    [Fact]
    public async Task A_token_past_its_expiry_is_refused()
    {
        var cancel = TestContext.Current.CancellationToken;
        await Users.SaveAsync("het-han", Role.National, null, DashboardServer.Password, cancel);
        // Tokens issued 91 and 89 days ago with the default lifetime (90 days).
        var expired = await UsersAt(DateTimeOffset.UtcNow.AddDays(-91)).CreateTokenAsync("het-han", "cu", cancel);
        var valid = await UsersAt(DateTimeOffset.UtcNow.AddDays(-89)).CreateTokenAsync("het-han", "con-han", cancel);

        using var refused = await WithTokenAsync(expired, "/api/metrics");
        using var accepted = await WithTokenAsync(valid, "/api/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task An_unknown_name_costs_the_same_password_hash_work_as_a_known_one()
    {
        var cancel = TestContext.Current.CancellationToken;
        var hasher = new CountingHasher();
        var users = UserStoreWith(services => services.AddSingleton<IPasswordHasher<DashboardUser>>(hasher));
        await users.SaveAsync("biet-ten", Role.National, null, DashboardServer.Password, cancel);
        await server.Services.GetRequiredService<UserStore>().SaveAsync("bi-khoa", Role.National, null, DashboardServer.Password, cancel);
        await ReformAsync("users", "disable", "bi-khoa");

        var counts = new List<(LoginOutcome, int)>();
        foreach (var name in new[] { "khong-ai-ten-nay", "biet-ten", "bi-khoa" })
        {
            var before = hasher.Verifications;
            var (outcome, _) = await users.LoginAsync(name, "sai-mat-khau-roi", cancel);
            counts.Add((outcome, hasher.Verifications - before));
        }

        Assert.Equal([(LoginOutcome.UnknownUser, 1), (LoginOutcome.WrongPassword, 1), (LoginOutcome.Disabled, 1)], counts);
    }

    [Theory]
    [InlineData("/\t/evil.example", "/")]
    [InlineData("/\r\nSet-Cookie: x=1", "/")]
    [InlineData("/qua-han\n", "/")]
    [InlineData("/t\u00ecnh/01", "/")]
    [InlineData("//evil.example", "/")]
    [InlineData("/qua-han?loai=trong-ky&period=2025-Q4", "/qua-han?loai=trong-ky&period=2025-Q4")]
    public async Task A_return_address_with_a_control_or_non_ascii_character_goes_home_instead_of_failing(string returnUrl, string expected)
    {
        using var client = server.Anonymous();
        var (cookies, token) = await Forms.OpenAsync(client, "/dang-nhap?returnUrl=" + Uri.EscapeDataString(returnUrl));

        using var signedIn = await Forms.PostAsync(client, "/dang-nhap", cookies, token, new() { ["name"] = "quocgia", ["password"] = DashboardServer.Password, ["returnUrl"] = returnUrl });

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(expected, signedIn.Headers.Location?.OriginalString);
    }

    private async Task<HttpResponseMessage> WithTokenAsync(string token, string path)
    {
        using var client = server.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
    }

    /// <summary>`reform` against this class's database, as an operator runs it.</summary>
    private Task<ReformProcess.Result> ReformAsync(params string[] arguments) =>
        ReformProcess.RunAsync(["--clickhouse", server.Engine.ConnectionString, .. arguments],
            new Dictionary<string, string?> { ["REFORM_ClickHouse__Database"] = server.Store.Database });

    /// <summary>The short id `reform users tokens` shows: the first 12 hex digits of the token's SHA-256.</summary>
    private static string IdOf(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..12];

    [Fact]
    public async Task A_trusted_stamp_follows_this_service_s_changes_at_once_and_another_process_s_within_the_window()
    {
        var cancel = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var service = UserStoreWith(services => services.AddSingleton<TimeProvider>(clock), new() { ["Dashboard:SessionCheckSeconds"] = "30" });
        var everyRequest = UserStoreWith(_ => { });
        var otherProcess = UserStoreWith(_ => { });
        var first = (await service.SaveAsync("tin-cay", Role.National, null, DashboardServer.Password, cancel)).SecurityStamp;
        Assert.Equal(first, await service.SessionStampAsync("tin-cay", cancel));

        // Demoted by another process: the default setting sees it at once, the trusted stamp within its 30 seconds.
        var second = (await otherProcess.SaveAsync("tin-cay", Role.Province, "80", DashboardServer.Password, cancel)).SecurityStamp;
        Assert.NotEqual(first, second);
        Assert.Equal(second, await everyRequest.SessionStampAsync("tin-cay", cancel));
        Assert.Equal(first, await service.SessionStampAsync("tin-cay", cancel));
        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(second, await service.SessionStampAsync("tin-cay", cancel));

        // Disabled through this service: at once, without waiting.
        await service.SetDisabledAsync("tin-cay", disabled: true, cancel);
        Assert.Null(await service.SessionStampAsync("tin-cay", cancel));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("61")]
    public async Task A_trust_window_outside_0_to_60_seconds_is_refused_naming_the_setting(string seconds)
    {
        var users = UserStoreWith(_ => { }, new() { ["Dashboard:SessionCheckSeconds"] = seconds });

        var refused = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => users.SessionStampAsync("ai-do", TestContext.Current.CancellationToken));

        Assert.Contains("Dashboard:SessionCheckSeconds phải từ 0 đến 60 giây.", refused.Message, StringComparison.Ordinal);
    }

    private UserStore UsersAt(DateTimeOffset now) => UserStoreWith(services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(now)));

    private UserStore UserStoreWith(Action<IServiceCollection> configure, Dictionary<string, string?>? settings = null)
    {
        var services = new ServiceCollection();
        configure(services);
        services.AddSingleton(server.Store);
        services.TryAddSingleton(TimeProvider.System);
        services.AddDashboardUsers(new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build());
        return services.BuildServiceProvider().GetRequiredService<UserStore>();
    }

    private sealed class CountingHasher : IPasswordHasher<DashboardUser>
    {
        private readonly PasswordHasher<DashboardUser> _inner = new();
        private int _verifications;

        public int Verifications => _verifications;

        public string HashPassword(DashboardUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(DashboardUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
