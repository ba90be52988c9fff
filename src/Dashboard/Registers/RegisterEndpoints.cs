using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ReformMetrics.Dashboard.Access;
using ReformMetrics.Dashboard.Api;
using ReformMetrics.Dashboard.Auth;
using ReformMetrics.Dashboard.Components;
using ReformMetrics.Dashboard.Pages;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Query;

namespace ReformMetrics.Dashboard.Registers;

/// <summary>GET /nhiem-vu (the reform task register) and GET /phan-anh (feedback): figures per province, and the items
/// of one province, within what the user may see.</summary>
public static class RegisterEndpoints
{
    private static readonly MetricDefinition[] TaskMetrics = MetricCatalogue.All.Where(m => m.Family == MetricFamily.Tasks).ToArray();
    private static readonly MetricDefinition[] FeedbackMetrics = MetricCatalogue.All.Where(m => m.Family == MetricFamily.Feedback).ToArray();

    public static IEndpointRouteBuilder MapRegisters(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(string.Empty).RequireAuthorization(DashboardAuth.Viewer);
        group.MapGet("/nhiem-vu", (HttpContext context, PageData pages, KpiService kpi, RegisterQuery items, ProvinceMap map, IAntiforgery antiforgery) =>
            RenderAsync(context, pages, kpi, map, antiforgery, "/nhiem-vu", "Nhiệm vụ cải cách hành chính", TaskMetrics,
                "Danh sách nhiệm vụ", ["Mã", "Tỉnh", "Nhiệm vụ", "Hạn", "Hoàn thành", "Tình trạng cuối kỳ"], items.TasksAsync));
        group.MapGet("/phan-anh", (HttpContext context, PageData pages, KpiService kpi, RegisterQuery items, ProvinceMap map, IAntiforgery antiforgery) =>
            RenderAsync(context, pages, kpi, map, antiforgery, "/phan-anh", "Phản ánh, kiến nghị", FeedbackMetrics,
                "Phản ánh, kiến nghị tiếp nhận trong kỳ", ["Mã", "Tỉnh", "Lĩnh vực", "Tiếp nhận", "Xử lý xong", "Tình trạng cuối kỳ"], items.FeedbackAsync));
        return endpoints;
    }

    private static async Task<IResult> RenderAsync(
        HttpContext context, PageData pages, KpiService kpi, ProvinceMap map, IAntiforgery antiforgery, string path, string title, MetricDefinition[] metrics, string itemsTitle, string[] headers,
        Func<Metrics.Periods.Period, int, IReadOnlyList<string>, CancellationToken, Task<IReadOnlyList<string[]>>> list)
    {
        var scope = AccessScope.From(context.User);
        var input = context.Request.SelectionInput().Allow(SelectionWords.Period, SelectionWords.Geo, SelectionWords.Province);
        var asked = pages.Parse(input, out var text);
        PageData.OneValue(SelectionWords.Province, asked.Provinces);
        var filters = new PageFilters(text, asked.Geo);
        var allowed = await scope.RestrictAsync(asked, map, context.RequestAborted).ConfigureAwait(false);
        var summary = await kpi.GetAsync(allowed with { GroupBy = [Dimension.Province] }, compare: false, context.RequestAborted).ConfigureAwait(false);
        var items = allowed.Provinces.Count > 0 ? await list(allowed.Period, allowed.Geo, allowed.Provinces, context.RequestAborted).ConfigureAwait(false) : null;
        return new RazorComponentResult<RegisterPage>(new
        {
            Title = $"{title} · {allowed.Period.Label}", Path = path, Filters = filters, Metrics = (IReadOnlyList<MetricDefinition>)metrics, Summary = summary.Groups,
            ItemsTitle = itemsTitle, Headers = (IReadOnlyList<string>)headers, Items = items, User = scope.User, Antiforgery = antiforgery.GetAndStoreTokens(context).RequestToken,
        });
    }
}
