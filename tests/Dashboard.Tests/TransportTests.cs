using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace ReformMetrics.Dashboard.Tests;

/// <summary>What every answer tells the browser (content policy, no sniffing, no referrer, no framing, no caching of
/// data), HTTPS and reverse proxies (HSTS and Secure cookies), and the Data Protection keys that sign the cookies.</summary>
public sealed class TransportTests(DashboardServer server) : IClassFixture<DashboardServer>
{
    [Theory]
    [InlineData("/dang-nhap")]
    [InlineData("/static/site.css")]
    [InlineData("/api/metrics")]
    [InlineData("/khong-co-trang-nay")]
    public async Task Every_answer_carries_the_security_headers(string path)
    {
        using var client = server.Anonymous();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Theory]
    [InlineData("/api/metrics", true)]
    [InlineData("/api/kpi?period=2025-04", true)]
    [InlineData("/chi-so", true)]
    [InlineData("/static/site.css", false)]
    public async Task Data_answers_and_signed_in_pages_are_never_cached(string path, bool noStore)
    {
        using var client = server.As("quocgia");

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(noStore, response.Headers.CacheControl?.NoStore == true);
    }

    [Fact]
    public async Task Over_https_the_session_and_antiforgery_cookies_are_secure_and_hsts_is_sent()
    {
        using var client = server.Anonymous();
        client.BaseAddress = new Uri("https://reform.example/");

        using var page = await client.GetAsync(new Uri("/dang-nhap", UriKind.Relative), TestContext.Current.CancellationToken);
        var session = await Forms.SignInCookiesAsync(client);

        Assert.Contains("max-age=", Assert.Single(page.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
        Assert.All(page.Headers.GetValues("Set-Cookie"), c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(session, c => c.StartsWith("reform.session=", StringComparison.Ordinal));
        Assert.All(session, c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Plain_http_gets_no_hsts()
    {
        using var client = server.Anonymous();
        client.BaseAddress = new Uri("http://reform.example/");

        using var page = await client.GetAsync(new Uri("/dang-nhap", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.False(page.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Behind_a_known_proxy_a_forwarded_https_request_is_https_and_other_callers_are_not_believed()
    {
        await using var app = await DashboardServer.StartAsync(server.Store, settings: new Dictionary<string, string?>
        {
            ["Server:ForwardedHeaders:KnownProxies:0"] = "10.1.2.3",
        });
        await using var plain = await DashboardServer.StartAsync(server.Store);

        var proxied = await ViaAsync(app, "10.1.2.3");
        var stranger = await ViaAsync(app, "10.1.2.4");
        var unconfigured = await ViaAsync(plain, "10.1.2.3");

        Assert.True(proxied.Response.Headers.ContainsKey("Strict-Transport-Security"));
        Assert.All(proxied.Response.Headers.SetCookie, c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
        Assert.Equal("203.0.113.9", proxied.Connection.RemoteIpAddress?.ToString());
        Assert.False(stranger.Response.Headers.ContainsKey("Strict-Transport-Security"));
        Assert.All(stranger.Response.Headers.SetCookie, c => Assert.DoesNotContain("; secure", c, StringComparison.OrdinalIgnoreCase));
        Assert.Equal("10.1.2.4", stranger.Connection.RemoteIpAddress?.ToString());
        Assert.False(unconfigured.Response.Headers.ContainsKey("Strict-Transport-Security"));
    }

    [Fact]
    public async Task The_cookie_keys_are_kept_owner_only_in_the_configured_directory_and_outlive_the_process()
    {
        var directory = Path.Combine(server.ReportsDirectory, "keys-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?> { ["Dashboard:KeysDirectory"] = directory };
        string session;
        await using (var first = await DashboardServer.StartAsync(server.Store, settings: settings))
        {
            session = await Forms.SignInAsync(first.GetTestClient(), "quocgia", DashboardServer.Password);
        }

        await using var second = await DashboardServer.StartAsync(server.Store, settings: settings);
        using var after = await Forms.GetWithCookieAsync(second.GetTestClient(), "/api/metrics", session);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        var files = Directory.GetFiles(directory);
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task With_a_certificate_the_cookie_keys_are_stored_encrypted_and_read_back_after_a_restart()
    {
        var directory = Path.Combine(server.ReportsDirectory, "keys-" + Guid.NewGuid().ToString("N"));
        using var certificate = TestCertificate.Write(server.ReportsDirectory);
        var settings = new Dictionary<string, string?>
        {
            ["Dashboard:KeysDirectory"] = directory, ["Server:Certificate:Path"] = certificate.CertificatePath, ["Server:Certificate:KeyPath"] = certificate.KeyPath,
        };
        await using var app = await DashboardServer.StartAsync(server.Store, settings: settings);

        var session = await Forms.SignInAsync(Https(app), "quocgia", DashboardServer.Password);
        await using var restarted = await DashboardServer.StartAsync(server.Store, settings: settings);
        using var after = await Forms.GetWithCookieAsync(Https(restarted), "/api/metrics", session);

        var key = await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(directory)), TestContext.Current.CancellationToken);
        Assert.Contains("EncryptedData", key, StringComparison.Ordinal);
        Assert.Contains(certificate.RawBase64, key, StringComparison.Ordinal);
        Assert.DoesNotContain("<value>", key, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    // With a certificate the service answers HTTPS only, and its cookies are refused over anything else.
    private static HttpClient Https(Microsoft.AspNetCore.Builder.WebApplication app)
    {
        var client = app.GetTestClient();
        client.BaseAddress = new Uri("https://reform.example/");
        return client;
    }

    // The login page as a reverse proxy forwards it: from `remote`, saying the browser came over https from 203.0.113.9.
    private static Task<HttpContext> ViaAsync(Microsoft.AspNetCore.Builder.WebApplication app, string remote) =>
        app.GetTestServer().SendAsync(context =>
        {
            context.Request.Method = HttpMethods.Get;
            context.Request.Scheme = "http";
            context.Request.Host = new HostString("reform.example");
            context.Request.Path = "/dang-nhap";
            context.Request.Headers["X-Forwarded-Proto"] = "https";
            context.Request.Headers["X-Forwarded-For"] = "203.0.113.9";
            context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        }, TestContext.Current.CancellationToken);
}
