using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ReformMetrics.Dashboard.Access;
using ReformMetrics.Dashboard.Api;
using ReformMetrics.Dashboard.Auth;
using ReformMetrics.Dashboard.Components;
using ReformMetrics.Dashboard.Limits;
using ReformMetrics.Dashboard.Pages;
using ReformMetrics.Dashboard.Users;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Store;

namespace ReformMetrics.Dashboard.Overdue;

/// <summary>GET /qua-han (the page) and GET /qua-han/csv (the export, audited), within what the user may see.</summary>
public static class OverdueEndpoints
{
    public static IEndpointRouteBuilder MapOverdue(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/qua-han").RequireAuthorization(DashboardAuth.Viewer);
        group.MapGet(string.Empty, async (HttpContext context, PageData pages, OverdueQuery query, ProvinceMap map, KpiService kpi, KpiCache cache, IAntiforgery antiforgery) =>
        {
            var (filter, period, province) = await FilterAsync(context, pages, map, kpi).ConfigureAwait(false);
            // The version (with its watermark) is read before the list, so the list is at least as fresh as the page says.
            var version = await cache.CurrentAsync(context.RequestAborted).ConfigureAwait(false);
            var (total, rows) = await query.PageAsync(filter, context.RequestAborted).ConfigureAwait(false);
            // The sector list of the filter, from the names the metrics layer keeps per data version.
            var names = await cache.NamesAsync(version.Key, context.RequestAborted).ConfigureAwait(false);
            var model = new OverdueModel(filter, period, province, total, rows, names.Sectors.ToList(), version.AsOf);
            return new RazorComponentResult<OverduePage>(new
            {
                Model = model, User = context.User.Identity?.Name, Antiforgery = antiforgery.GetAndStoreTokens(context).RequestToken,
            });
        });

        group.MapGet("/csv", async (HttpContext context, PageData pages, OverdueQuery query, ProvinceMap map, KpiService kpi, AuditLog audit, TimeProvider clock) =>
        {
            var (filter, _, _) = await FilterAsync(context, pages, map, kpi).ConfigureAwait(false);
            await audit.WriteAsync(context.User.Identity?.Name ?? string.Empty, "export", "qua-han.csv" + context.Request.QueryString,
                context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted).ConfigureAwait(false);
            context.Response.ContentType = "text/csv; charset=utf-8";
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"ho-so-qua-han-{clock.GetUtcNow().ToOffset(TimeSpan.FromHours(7)):yyyyMMdd-HHmm}.csv\"";
            // A byte-order mark, so that Excel opens the Vietnamese text as UTF-8.
            var buffer = new StringBuilder("\uFEFF");
            buffer.Append(CsvText.Row("ho_so", "tinh", "co_quan", "linh_vuc", "thu_tuc", "kenh", "tiep_nhan", "han", "giai_quyet", "so_ngay_lam_viec_qua_han", "thu_xin_loi"));
            await foreach (var d in query.AllAsync(filter, context.RequestAborted).ConfigureAwait(false))
            {
                // Every cell by the spreadsheet rule: names and codes come from the sources and the agency lists.
                buffer.Append(CsvText.Row(d.DossierId, d.Province, d.Agency, d.Sector, d.Procedure, d.Channel,
                    d.ReceivedAt, d.DueAt, d.ResolvedAt, d.WorkingDaysOverdue.ToString(CultureInfo.InvariantCulture), d.Apologized ? "co" : "chua"));
                if (buffer.Length > 1 << 16)
                {
                    await context.Response.WriteAsync(buffer.ToString(), context.RequestAborted).ConfigureAwait(false);
                    buffer.Clear();
                }
            }

            await context.Response.WriteAsync(buffer.ToString(), context.RequestAborted).ConfigureAwait(false);
        }).RequireRateLimiting(RequestLimits.Exports);
        return endpoints;
    }

    /// <summary>The list's filters from the URL, validated (400 naming the field) and limited to what the user may see (403).</summary>
    private static async Task<(OverdueFilter Filter, string Period, string Province)> FilterAsync(HttpContext context, PageData pages, ProvinceMap map, KpiService kpi)
    {
        var q = context.Request.Query;
        IReadOnlyList<string> Many(string name) => q[name].Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!).ToList();
        var kind = q["loai"].FirstOrDefault() switch
        {
            null or "" or "hien-tai" => OverdueKind.Now,
            "trong-ky" => OverdueKind.ResolvedLate,
            var other => throw new SelectionException($"loai: \"{other}\" không hợp lệ; dùng hien-tai hoặc trong-ky."),
        };
        var sort = q["sap-xep"].FirstOrDefault() is { Length: > 0 } s ? s : OverdueQuery.SortOverdue;
        if (!OverdueQuery.Sorts.ContainsKey(sort))
        {
            throw new SelectionException($"sap-xep: \"{sort}\" không hợp lệ; dùng {string.Join(", ", OverdueQuery.Sorts.Keys)}.");
        }

        var page = q["trang"].FirstOrDefault() is { Length: > 0 } p
            ? int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 100_000 ? n
                : throw new SelectionException($"trang: \"{p}\" phải là số trang từ 1.")
            : 1;
        var ascending = q["tang"].FirstOrDefault() switch
        {
            null or "" or "0" => false,
            "1" => true,
            var other => throw new SelectionException($"tang: \"{other}\" không hợp lệ; dùng 1 (tăng dần) hoặc 0 (giảm dần)."),
        };
        var selection = pages.Parse(
            context.Request.SelectionInput().Allow(
                SelectionWords.Period, SelectionWords.Geo, SelectionWords.Province, SelectionWords.Sector, SelectionWords.Level, SelectionWords.Channel, SelectionWords.Agency),
            out var period);
        // The codes must exist, as for the figures: an unknown province, sector or level is an error, not an empty list.
        await kpi.ValidateAsync(selection, context.RequestAborted).ConfigureAwait(false);
        var allowed = await AccessScope.From(context.User).RestrictAsync(selection, map, context.RequestAborted).ConfigureAwait(false);
        var filter = new OverdueFilter(kind, allowed.Period, allowed.Geo, allowed.Provinces, allowed.Sectors, allowed.Levels, allowed.Channels,
            sort, ascending, page, allowed.Agencies);
        return (filter, period, string.Join(",", Many("province")));
    }
}
