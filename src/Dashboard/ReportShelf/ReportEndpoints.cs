using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using ReformMetrics.Dashboard.Access;
using ReformMetrics.Dashboard.Auth;
using ReformMetrics.Dashboard.Components;
using ReformMetrics.Dashboard.Limits;
using ReformMetrics.Dashboard.Users;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Reports;

namespace ReformMetrics.Dashboard.ReportShelf;

/// <summary>GET /bao-cao (the list), GET /bao-cao/tep/{file} (a scheduled file) and POST /bao-cao/lap (a report made now,
/// report officers and administrators only); downloads are audited.</summary>
public static class ReportEndpoints
{
    public static IEndpointRouteBuilder MapReportShelf(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/bao-cao").RequireAuthorization(DashboardAuth.Viewer);
        group.MapGet(string.Empty, async (HttpContext context, ReportLibrary library, IAntiforgery antiforgery) =>
        {
            var scope = AccessScope.From(context.User);
            var files = await library.ListAsync(scope, context.RequestAborted).ConfigureAwait(false);
            var canGenerate = context.User.IsInRole(Role.Reporter.Name()) || context.User.IsInRole(Role.Admin.Name());
            return new RazorComponentResult<ReportsPage>(new
            {
                Files = files, CanGenerate = canGenerate, scope.Province, User = scope.User, Antiforgery = antiforgery.GetAndStoreTokens(context).RequestToken,
            });
        });

        group.MapGet("/tep/{file}", async (HttpContext context, string file, ReportLibrary library, AuditLog audit) =>
        {
            var scope = AccessScope.From(context.User);
            if (await library.PathOfAsync(scope, file, context.RequestAborted).ConfigureAwait(false) is not { } path)
            {
                return Results.NotFound();
            }

            await audit.WriteAsync(scope.User, "export", file, context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted).ConfigureAwait(false);
            return Results.File(path, ContentType(file), file);
        });

        group.MapPost("/lap", async (HttpContext context, [FromForm] ReportOrder order, ReportGenerator generator, ProvinceMap map, AuditLog audit, TimeProvider clock) =>
        {
            var scope = AccessScope.From(context.User);
            if (ReportRequest.Problem(order.Form ?? string.Empty, order.Format) is { } problem)
            {
                throw new SelectionException("form/format: " + problem);
            }

            if (order.Form == "provinces" && !scope.SeesAllProvinces)
            {
                throw new AccessDeniedException("form: bảng tính mọi tỉnh chỉ dành cho tài khoản xem toàn quốc.");
            }

            var asked = SelectionParser.Parse(
                new SelectionParser.Input(Period: order.Period, Provinces: string.IsNullOrWhiteSpace(order.Province) ? null : [order.Province.Trim()]),
                SelectionParser.TodayInVietnam(clock));
            var selection = await scope.RestrictAsync(asked, map, context.RequestAborted).ConfigureAwait(false);
            var period = Window(selection.Period, order.Calendar, order.Cutoff);
            var request = new ReportRequest(order.Form!, order.Format!, period, selection.Geo, selection.Provinces.Count == 1 ? selection.Provinces[0] : null);
            var temp = Path.Combine(Path.GetTempPath(), $"reform-report-{Guid.NewGuid():N}.{request.Format}");
            await generator.WriteAsync(request, temp, context.RequestAborted).ConfigureAwait(false);
            await audit.WriteAsync(scope.User, "export", request.FileName, context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted).ConfigureAwait(false);
            var bytes = await File.ReadAllBytesAsync(temp, context.RequestAborted).ConfigureAwait(false);
            File.Delete(temp);
            return Results.File(bytes, ContentType(request.FileName), request.FileName);
        }).RequireAuthorization(DashboardAuth.Reporter).RequireRateLimiting(RequestLimits.Exports);
        return endpoints;
    }

    private static Period Window(Period period, bool calendar, int? cutoff)
    {
        try
        {
            return ReportingWindow.For(period, calendar, cutoff);
        }
        catch (PeriodException ex)
        {
            throw new SelectionException("cutoff: " + ex.Message);
        }
    }

    private static string ContentType(string file) => Path.GetExtension(file) switch
    {
        ".pdf" => "application/pdf",
        ".xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    };

    public sealed class ReportOrder
    {
        public string? Form { get; set; }
        public string? Format { get; set; }
        public string? Period { get; set; }
        public string? Province { get; set; }
        public int? Cutoff { get; set; }

        /// <summary>The calendar period rather than the official cut-off window.</summary>
        public bool Calendar { get; set; }
    }
}
