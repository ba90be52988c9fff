using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using ReformMetrics.Dashboard.Access;
using ReformMetrics.Dashboard.Auth;
using ReformMetrics.Dashboard.Components;

namespace ReformMetrics.Dashboard.Pages;

/// <summary>The dashboard's pages, each authorized on the server: the national overview (a province-bound user is sent
/// to their province) and a province's page.</summary>
public static class PageEndpoints
{
    public static IEndpointRouteBuilder MapPages(this IEndpointRouteBuilder endpoints)
    {
        var pages = endpoints.MapGroup(string.Empty).RequireAuthorization(DashboardAuth.Viewer);
        pages.MapGet("/", async (HttpContext context, PageData data, IAntiforgery antiforgery, [FromQuery(Name = "chi-so")] string? metric) =>
        {
            var scope = AccessScope.From(context.User);
            var selection = data.Parse(context.Request, out var filters);
            if (!scope.SeesAllProvinces)
            {
                return Results.Redirect($"/tinh/{Uri.EscapeDataString(scope.Province ?? string.Empty)}{filters.Query()}");
            }

            var model = await data.OverviewAsync(selection, filters, metric, context.RequestAborted).ConfigureAwait(false);
            return (IResult)new RazorComponentResult<OverviewPage>(new { Model = model, User = scope.User, Antiforgery = Token(context, antiforgery) });
        });

        pages.MapGet("/tinh/{code}", async (HttpContext context, PageData data, IAntiforgery antiforgery, string code) =>
        {
            var scope = AccessScope.From(context.User);
            var selection = data.Parse(context.Request, out var filters);
            var model = await data.ProvinceAsync(scope, selection, filters, code, context.RequestAborted).ConfigureAwait(false);
            return new RazorComponentResult<ProvincePage>(new { Model = model, User = scope.User, Antiforgery = Token(context, antiforgery) });
        });
        return endpoints;
    }

    private static string? Token(HttpContext context, IAntiforgery antiforgery) => antiforgery.GetAndStoreTokens(context).RequestToken;
}
