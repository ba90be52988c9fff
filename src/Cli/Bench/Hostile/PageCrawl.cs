using System.Net;
using System.Text.RegularExpressions;
using ReformMetrics.Cli.Bench.Campaign;

namespace ReformMetrics.Cli.Bench.Hostile;

/// <summary>
/// Opens the pages a signed-in user reaches from the navigation and collects the parameters the pages themselves send: the
/// fields of every form (by its action and method) and the query keys of every link. A parameter found this way that the
/// route catalogue does not know is added to its route, so that what a browser can send is tried even when no handler
/// declares it.
/// </summary>
internal static partial class PageCrawl
{
    public static async Task<IReadOnlyList<RouteEntry>> ExtendAsync(IReadOnlyList<RouteEntry> routes, IEnumerable<DashboardClient> sessions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(sessions);
        var found = new HashSet<(string Method, string Path, string Name, ParameterSource Source)>();
        foreach (var session in sessions)
        {
            var home = await session.GetAsync("trang (duyệt)", "/", cancellationToken);
            var pages = Link().Matches(home.Body).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).Append("/")
                .Select(href => href.Split('?')[0]).Where(p => p.StartsWith('/') && !p.StartsWith("/static", StringComparison.Ordinal)).Distinct().Take(20).ToList();
            if (home.Status == (int)HttpStatusCode.Redirect && home.Body.Length == 0)
            {
                pages.Add("/tinh/" + session.Account?.Province);
            }

            // Only the pages of the routes under test: their forms and links are what may add parameters.
            pages = pages.Where(page => routes.Any(r => r.Method == "GET" && Matches(r.Pattern, page))).ToList();

            foreach (var page in pages)
            {
                var answer = await session.GetAsync("trang (duyệt)", page, cancellationToken);
                foreach (Match form in Form().Matches(answer.Body))
                {
                    var attributes = form.Groups["attributes"].Value;
                    var method = Method().Match(attributes).Groups[1].Value.Equals("post", StringComparison.OrdinalIgnoreCase) ? "POST" : "GET";
                    var action = Action().Match(attributes) is { Success: true } a ? WebUtility.HtmlDecode(a.Groups[1].Value) : page;
                    foreach (Match field in Field().Matches(form.Groups["body"].Value))
                    {
                        var name = WebUtility.HtmlDecode(field.Groups[1].Value);
                        if (name != "__RequestVerificationToken")
                        {
                            found.Add((method, action.Split('?')[0], name, method == "POST" ? ParameterSource.Form : ParameterSource.Query));
                        }
                    }
                }

                foreach (Match link in Link().Matches(answer.Body))
                {
                    var href = WebUtility.HtmlDecode(link.Groups[1].Value);
                    if (href.Split('?') is [var path, var query])
                    {
                        foreach (var key in query.Split('&').Select(p => Uri.UnescapeDataString(p.Split('=')[0])).Where(k => k.Length > 0))
                        {
                            found.Add(("GET", path, key, ParameterSource.Query));
                        }
                    }
                }
            }
        }

        return routes.Select(route =>
        {
            var extra = found.Where(f => f.Method == route.Method && Matches(route.Pattern, f.Path)
                    && !route.Parameters.Any(p => p.Name.Equals(f.Name, StringComparison.OrdinalIgnoreCase)))
                .Select(f => new RouteParameter(f.Name, f.Source)).DistinctBy(p => p.Name.ToLowerInvariant()).ToList();
            return extra.Count == 0 ? route : route with { Parameters = [.. route.Parameters, .. extra] };
        }).ToList();
    }

    /// <summary>True when a concrete path is one of the route's (its {value} standing for one segment, {**rest} for any).</summary>
    public static bool Matches(string pattern, string path)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var segments = pattern.Split('/').Select(s => s.StartsWith("{**", StringComparison.Ordinal) ? ".*" : s.StartsWith('{') ? "[^/]+" : Regex.Escape(s));
        return Regex.IsMatch(path, "^" + string.Join('/', segments) + "/?$", RegexOptions.None, TimeSpan.FromSeconds(1));
    }

    [GeneratedRegex("<a[^>]+href=\"([^\"]+)\"")]
    private static partial Regex Link();

    [GeneratedRegex("<form(?<attributes>[^>]*)>(?<body>.*?)</form>", RegexOptions.Singleline)]
    private static partial Regex Form();

    [GeneratedRegex("method=\"(\\w+)\"")]
    private static partial Regex Method();

    [GeneratedRegex("action=\"([^\"]*)\"")]
    private static partial Regex Action();

    [GeneratedRegex("<(?:input|select|textarea)[^>]+name=\"([^\"]+)\"")]
    private static partial Regex Field();
}
