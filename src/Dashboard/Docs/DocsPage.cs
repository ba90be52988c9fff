using Markdig;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ReformMetrics.Dashboard.Auth;
using ReformMetrics.Dashboard.Components;

namespace ReformMetrics.Dashboard.Docs;

/// <summary>GET /chi-so: every metric of the catalogue (the same definitions the figures are computed from) and the
/// analysts' SQL views (docs/sql-views.md, built into the assembly).</summary>
public static class DocsPage
{
    private static readonly Lazy<string> ViewsHtml = new(() =>
    {
        using var stream = typeof(DocsPage).Assembly.GetManifestResourceStream("sql-views.md") ?? throw new InvalidOperationException("sql-views.md is not embedded");
        using var reader = new StreamReader(stream);
        // Our own document, rendered without raw HTML all the same.
        return Markdown.ToHtml(reader.ReadToEnd(), new MarkdownPipelineBuilder().UseAdvancedExtensions().DisableHtml().Build());
    });

    public static IEndpointRouteBuilder MapDocs(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/chi-so", (HttpContext context, IAntiforgery antiforgery) => new RazorComponentResult<MetricsPage>(new
        {
            ViewsHtml = ViewsHtml.Value, User = context.User.Identity?.Name, Antiforgery = antiforgery.GetAndStoreTokens(context).RequestToken,
        })).RequireAuthorization(DashboardAuth.Viewer);
        return endpoints;
    }
}
