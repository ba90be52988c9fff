using System.Net;
using System.Text.RegularExpressions;

namespace ReformMetrics.Dashboard.Tests;

/// <summary>Forms as a browser posts them: the page's cookies and antiforgery token, then the post (cookies are carried
/// by hand: the test server's client keeps none). Leaving the token out plays a forged request.</summary>
internal static partial class Forms
{
    public static async Task<(string Cookies, string Token)> OpenAsync(HttpClient client, string path)
    {
        using var page = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var token = Antiforgery().Match(html).Groups[1].Value;
        Assert.NotEmpty(token);
        return (string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])), token);
    }

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string cookies, string? token, Dictionary<string, string> fields)
    {
        if (token is not null)
        {
            fields["__RequestVerificationToken"] = token;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("Cookie", cookies);
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>Signs in through the login form; returns the session cookie as a Cookie header value.</summary>
    public static async Task<string> SignInAsync(HttpClient client, string user, string password)
    {
        var (cookies, token) = await OpenAsync(client, "/dang-nhap");
        using var signedIn = await PostAsync(client, "/dang-nhap", cookies, token, new() { ["name"] = user, ["password"] = password, ["returnUrl"] = "/" });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return string.Join("; ", signedIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Where(c => c.StartsWith("reform.session=", StringComparison.Ordinal)));
    }

    /// <summary>Signs in as the national viewer of <see cref="DashboardServer"/>; returns the Set-Cookie values of the answer.</summary>
    public static async Task<IReadOnlyList<string>> SignInCookiesAsync(HttpClient client)
    {
        var (cookies, token) = await OpenAsync(client, "/dang-nhap");
        using var signedIn = await PostAsync(client, "/dang-nhap", cookies, token, new() { ["name"] = "quocgia", ["password"] = DashboardServer.Password, ["returnUrl"] = "/" });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return signedIn.Headers.GetValues("Set-Cookie").ToList();
    }

    /// <summary>A GET carrying a session cookie, as a browser sends it.</summary>
    public static async Task<HttpResponseMessage> GetWithCookieAsync(HttpClient client, string path, string session)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", session);
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>A page's HTML for a user (by API token), which must answer 200.</summary>
    public static async Task<string> PageAsync(this DashboardServer server, string user, string path)
    {
        using var client = server.As(user);
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {html}");
        return html;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();
}
