using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace ReformMetrics.Cli.Bench.Campaign;

/// <summary>An answer as a campaign looks at it: status, body, time taken; status 0 when no answer came.</summary>
internal sealed record Answer(int Status, string Body, double Milliseconds, string? ContentType, TimeSpan? RetryAfter, byte[]? Bytes = null)
{
    public bool Ok => Status is >= 200 and < 300;
}

/// <summary>
/// One person's browser (or script) against the dashboard: a cookie jar, the sign-in form with its antiforgery token, or an
/// API token as a Bearer header; no redirects followed, so a redirect to the sign-in page is seen as such. Every request is
/// timed and recorded under its kind.
/// </summary>
internal sealed partial class DashboardClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly CookieContainer _cookies = new();
    private readonly Uri _baseAddress;
    private string? _antiforgery;

    public DashboardClient(Uri baseAddress, Account? account, bool useToken = false, TimeSpan? timeout = null)
    {
        Account = account;
        _baseAddress = baseAddress;
        var handler = new SocketsHttpHandler
        {
            UseCookies = true, CookieContainer = _cookies, AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        };
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(120) };
        if (useToken && account?.Token is { } token)
        {
            _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
    }

    public Account? Account { get; }

    public bool SignedIn { get; private set; }

    /// <summary>The session's cookies as a Cookie header, for requests written by hand (<see cref="Hostile.RawHttp"/>).</summary>
    public string CookieHeader => _cookies.GetCookieHeader(_baseAddress);

    /// <summary>The antiforgery token of the last page the session opened.</summary>
    public string? AntiforgeryToken => _antiforgery;

    /// <summary>Opens a page so that the session holds an antiforgery token (and, anonymous, its cookie).</summary>
    public async Task PrepareFormsAsync(CancellationToken cancellationToken) =>
        await GetAsync("trang", SignedIn ? "/chi-so" : "/dang-nhap", cancellationToken);

    public Timings? Timings { get; init; }

    /// <summary>Signs in through the form, as a browser does; a 429 is waited out (at most three times).</summary>
    public async Task SignInAsync(CancellationToken cancellationToken)
    {
        var account = Account ?? throw new InvalidOperationException("An anonymous client cannot sign in.");
        for (var attempt = 1; ; attempt++)
        {
            var page = await GetAsync("đăng nhập", "/dang-nhap", cancellationToken);
            var answer = page.Ok
                ? await PostFormAsync("đăng nhập", "/dang-nhap", new() { ["name"] = account.Name, ["password"] = account.Password, ["returnUrl"] = "/" }, cancellationToken)
                : page;
            if (answer.Status == (int)HttpStatusCode.Redirect)
            {
                // The token of the sign-in page belongs to the anonymous visitor; the next form takes a fresh one.
                _antiforgery = null;
                SignedIn = true;
                return;
            }

            if (answer.Status == (int)HttpStatusCode.TooManyRequests && attempt < 3)
            {
                await Task.Delay(answer.RetryAfter ?? TimeSpan.FromSeconds(5), cancellationToken);
                continue;
            }

            throw new CampaignException($"Đăng nhập {account.Name} ({account.Role}) trả về {answer.Status} thay vì chuyển trang (302).");
        }
    }

    public Task<Answer> GetAsync(string kind, string pathAndQuery, CancellationToken cancellationToken, bool expectRefusal = false) =>
        SendAsync(kind, () => new HttpRequestMessage(HttpMethod.Get, new Uri(pathAndQuery, UriKind.Relative)), cancellationToken, expectRefusal);

    /// <summary>Posts a form with the antiforgery token of the session (taken from the last page, or from the form's page).</summary>
    public async Task<Answer> PostFormAsync(string kind, string path, Dictionary<string, string> fields, CancellationToken cancellationToken, bool expectRefusal = false)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (_antiforgery is null)
        {
            // Any page of the session carries the token; the documentation page is open to every role.
            var page = SignedIn ? "/chi-so" : "/dang-nhap";
            await SendAsync("trang", () => new HttpRequestMessage(HttpMethod.Get, new Uri(page, UriKind.Relative)), cancellationToken);
        }

        if (_antiforgery is { } token)
        {
            fields["__RequestVerificationToken"] = token;
        }

        return await SendAsync(kind, () => new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new FormUrlEncodedContent(fields) },
            cancellationToken, expectRefusal);
    }

    /// <summary>Sends, times and records a request; no answer (refused, reset, timed out) is status 0.</summary>
    public async Task<Answer> SendAsync(string kind, Func<HttpRequestMessage> build, CancellationToken cancellationToken, bool expectRefusal = false)
    {
        ArgumentNullException.ThrowIfNull(build);
        using var request = build();
        var watch = Stopwatch.StartNew();
        Answer answer;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var type = response.Content.Headers.ContentType?.MediaType;
            var text = type is null || type.StartsWith("text/", StringComparison.Ordinal) || type.Contains("json", StringComparison.Ordinal);
            answer = new Answer((int)response.StatusCode, text ? System.Text.Encoding.UTF8.GetString(bytes) : string.Empty, watch.Elapsed.TotalMilliseconds, type,
                RetryAfterOf(response), text ? null : bytes);
        }
        catch (HttpRequestException)
        {
            answer = new Answer(Outcome.NoAnswer, string.Empty, watch.Elapsed.TotalMilliseconds, null, null);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            answer = new Answer(Outcome.NoAnswer, string.Empty, watch.Elapsed.TotalMilliseconds, null, null);
        }

        if (answer.ContentType == "text/html" && Antiforgery().Match(answer.Body) is { Success: true } match)
        {
            _antiforgery = WebUtility.HtmlDecode(match.Groups[1].Value);
        }

        // The client made the address absolute while sending: the path and query are what tell requests apart.
        var path = request.RequestUri is { IsAbsoluteUri: true } uri ? uri.PathAndQuery : request.RequestUri?.OriginalString ?? string.Empty;
        Timings?.Add(kind, path, answer.Milliseconds, new Outcome(answer.Status, expectRefusal && answer.Status is 400 or 401 or 403 or 404));
        return answer;
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) =>
        response.Headers.RetryAfter?.Delta
        ?? (response.Headers.TryGetValues("Retry-After", out var values) && int.TryParse(values.FirstOrDefault(), CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null);

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();
}
