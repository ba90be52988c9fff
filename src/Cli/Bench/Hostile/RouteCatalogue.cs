using System.CommandLine;
using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReformMetrics.Dashboard;
using ReformMetrics.Ingest;
using ReformMetrics.Reports;
using ReformMetrics.Ingest.Intake;

namespace ReformMetrics.Cli.Bench.Hostile;

/// <summary>Where a parameter is read from.</summary>
internal enum ParameterSource
{
    Query,
    Route,
    Form,
}

internal sealed record RouteParameter(string Name, ParameterSource Source);

/// <summary>An endpoint of `reform serve`: method, route pattern, the parameters it reads, whether it names a file, and the
/// authorization policies it requires (for the report).</summary>
/// <summary>The endpoints found, and the hand-reading ones whose parameters nobody listed yet.</summary>
internal sealed record RouteDiscovery(IReadOnlyList<RouteEntry> Routes, IReadOnlyList<string> Unlisted);

internal sealed record RouteEntry(string Method, string Pattern, IReadOnlyList<RouteParameter> Parameters, bool NamesFile, IReadOnlyList<string> Policies)
{
    public string Key => $"{Method} {Pattern}";
}

/// <summary>
/// Every endpoint of `reform serve`, discovered rather than listed: the application is composed in this process as
/// `reform serve` composes it (the same registrations and the same Map calls), and each endpoint's handler tells what it
/// binds (route values, query parameters by name, form fields). Handlers that read the request by hand (they take
/// <see cref="HttpContext"/> or <see cref="HttpRequest"/>) are matched with <see cref="ReadByHand"/>, the parameters their code
/// reads; an endpoint of that kind missing from it fails the campaign's test, so a new one cannot go untried.
/// </summary>
internal static class RouteCatalogue
{
    private static readonly string[] Selection = ["period", "from", "to", "geo", "province", "sector", "level", "agency", "procedure", "channel", "by", "compare", "source"];
    private static readonly string[] OverdueList = ["loai", "sap-xep", "trang", "tang", "period", "geo", "province", "sector", "level", "channel", "agency"];
    private static readonly string[] Page = ["period", "geo", "level", "sector", "channel", "so-sanh"];
    private static readonly string[] Register = ["period", "geo", "province"];

    /// <summary>The query parameters each hand-reading handler reads (none: it takes the context for the user only).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> ReadByHand = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["GET /"] = Page,
        ["GET /tinh/{code}"] = Page,
        ["GET /api/kpi"] = Selection,
        ["GET /api/rankings"] = [.. Selection, "metric"],
        ["GET /api/index766"] = Selection,
        ["GET /qua-han"] = OverdueList,
        ["GET /qua-han/csv"] = OverdueList,
        ["GET /bao-cao"] = [],
        ["GET /bao-cao/tep/{file}"] = [],
        ["POST /bao-cao/lap"] = [],
        ["GET /nhiem-vu"] = Register,
        ["GET /phan-anh"] = Register,
        ["GET /quan-tri"] = [],
        ["POST /quan-tri/nguoi-dung"] = [],
        ["POST /quan-tri/ma-api"] = [],
        ["GET /sql"] = [],
        ["POST /sql"] = [],
        ["GET /chi-so"] = [],
        ["GET /dang-nhap"] = [],
        ["POST /dang-nhap"] = [],
        ["POST /dang-xuat"] = [],
        ["POST /api/events"] = [],
    };

    /// <summary>Served outside the endpoint table: the static files (a path naming a file) and the health check `serve` maps itself.</summary>
    private static readonly RouteEntry[] Outside =
    [
        new("GET", "/static/{**path}", [new("path", ParameterSource.Route)], NamesFile: true, []),
        new("GET", "/healthz", [], NamesFile: false, []),
    ];

    /// <summary>The endpoints of the application as `reform serve` composes it (plus those outside the endpoint table), and
    /// the hand-reading endpoints <see cref="ReadByHand"/> does not list.</summary>
    public static async Task<RouteDiscovery> DiscoverAsync(ParseResult parse)
    {
        var builder = WebApplication.CreateSlimBuilder();
        CliHost.Configure(builder, parse, LogLevel.Warning);
        builder.Services.AddInboxWatcher(builder.Configuration);
        builder.Services.AddReportScheduler(builder.Configuration);
        builder.Services.AddDashboard(builder.Configuration);
        var app = builder.Build();
        await using (app)
        {
            app.MapDashboard();
            app.MapEventIntake();
            var services = app.Services.GetRequiredService<IServiceProviderIsService>();
            var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().ToList();
            var routes = endpoints.SelectMany(e => Entries(e, services)).Concat(Outside)
                .GroupBy(e => e.Key, StringComparer.Ordinal).Select(g => g.First())
                .OrderBy(e => e.Pattern, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal).ToList();
            var unlisted = endpoints
                .Where(e => Handler(e)?.GetParameters().Any(p => p.ParameterType == typeof(HttpContext) || p.ParameterType == typeof(HttpRequest)) == true)
                .SelectMany(e => Methods(e).Select(m => $"{m} {Pattern(e)}"))
                .Where(key => !ReadByHand.ContainsKey(key)).Distinct(StringComparer.Ordinal).ToList();
            return new RouteDiscovery(routes, unlisted);
        }
    }

    private static IEnumerable<RouteEntry> Entries(RouteEndpoint endpoint, IServiceProviderIsService services)
    {
        var pattern = Pattern(endpoint);
        var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy ?? a.Roles ?? "signed-in").Distinct().ToList();
        foreach (var method in Methods(endpoint))
        {
            var parameters = new List<RouteParameter>();
            foreach (var name in endpoint.RoutePattern.Parameters.Select(p => p.Name))
            {
                parameters.Add(new RouteParameter(name, ParameterSource.Route));
            }

            foreach (var parameter in Handler(endpoint)?.GetParameters() ?? [])
            {
                parameters.AddRange(Bound(parameter, endpoint, services));
            }

            if (ReadByHand.TryGetValue($"{method} {pattern}", out var read))
            {
                parameters.AddRange(read.Select(n => new RouteParameter(n, ParameterSource.Query)));
            }

            var distinct = parameters.GroupBy(p => (p.Name.ToLowerInvariant(), p.Source)).Select(g => g.First()).ToList();
            yield return new RouteEntry(method, pattern, distinct, NamesFile: distinct.Any(p => p.Source == ParameterSource.Route && p.Name is "file" or "path"), policies);
        }
    }

    /// <summary>What one handler parameter binds: nothing for services and the request's own objects, a field per property of a
    /// [FromForm] class, else a query parameter (or the route value of that name).</summary>
    private static IEnumerable<RouteParameter> Bound(ParameterInfo parameter, RouteEndpoint endpoint, IServiceProviderIsService services)
    {
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        if (type == typeof(HttpContext) || type == typeof(HttpRequest) || type == typeof(HttpResponse) || type == typeof(CancellationToken)
            || parameter.GetCustomAttribute<FromServicesAttribute>() is not null || services.IsService(type))
        {
            yield break;
        }

        if (parameter.GetCustomAttribute<FromFormAttribute>() is { } form)
        {
            if (type == typeof(string) || type.IsPrimitive)
            {
                yield return new RouteParameter(form.Name ?? parameter.Name!, ParameterSource.Form);
                yield break;
            }

            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            {
                yield return new RouteParameter(char.ToLowerInvariant(property.Name[0]) + property.Name[1..], ParameterSource.Form);
            }

            yield break;
        }

        var name = parameter.GetCustomAttribute<FromQueryAttribute>()?.Name ?? parameter.GetCustomAttribute<FromRouteAttribute>()?.Name ?? parameter.Name!;
        var inRoute = endpoint.RoutePattern.Parameters.Any(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        yield return new RouteParameter(name, inRoute ? ParameterSource.Route : ParameterSource.Query);
    }

    private static MethodInfo? Handler(RouteEndpoint endpoint) => endpoint.Metadata.OfType<MethodInfo>().FirstOrDefault();

    private static IEnumerable<string> Methods(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];

    private static string Pattern(RouteEndpoint endpoint)
    {
        var raw = endpoint.RoutePattern.RawText ?? "/";
        raw = raw.TrimEnd('/');
        return raw.Length == 0 ? "/" : raw.StartsWith('/') ? raw : "/" + raw;
    }
}
