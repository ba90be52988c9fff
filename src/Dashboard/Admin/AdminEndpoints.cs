using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using ReformMetrics.Dashboard.Auth;
using ReformMetrics.Dashboard.Components;
using ReformMetrics.Dashboard.Users;
using ReformMetrics.Reports.Scheduling;
using ReformMetrics.Store.Sources;

namespace ReformMetrics.Dashboard.Admin;

/// <summary>GET /quan-tri and its forms (administrators only): users, API tokens, the source systems (flagged when silent
/// longer than Feed:SilentSourceAfter), the schedules in force, the audit log. Every change is audited.</summary>
public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/quan-tri").RequireAuthorization(DashboardAuth.Admin);
        group.MapGet(string.Empty, (HttpContext context, UserStore users, AuditLog audit, IOptions<ReportScheduleOptions> schedules, SourceActivity sources, IAntiforgery antiforgery) =>
            RenderAsync(context, users, audit, schedules, sources, antiforgery, null, null, null));

        group.MapPost("/nguoi-dung", async (HttpContext context, [FromForm] UserForm form, UserStore users, AuditLog audit, IOptions<ReportScheduleOptions> schedules, SourceActivity sources, IAntiforgery antiforgery) =>
        {
            if (!Roles.TryParse(form.Role, out var role))
            {
                return await RenderAsync(context, users, audit, schedules, sources, antiforgery, null, $"role: \"{form.Role}\" không hợp lệ.", null).ConfigureAwait(false);
            }

            try
            {
                var user = await users.SaveAsync(form.Name ?? string.Empty, role, form.Province, form.Password ?? string.Empty, context.RequestAborted).ConfigureAwait(false);
                await audit.WriteAsync(context.User.Identity?.Name ?? string.Empty, "user_saved", $"{user.Name} {user.Role.Name()} {user.Province}".TrimEnd(),
                    context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted).ConfigureAwait(false);
                return await RenderAsync(context, users, audit, schedules, sources, antiforgery, $"Đã lưu người dùng {user.Name}.", null, null).ConfigureAwait(false);
            }
            catch (UserInputException ex)
            {
                // The CLI's option names read as the form's fields here.
                return await RenderAsync(context, users, audit, schedules, sources, antiforgery, null, ex.Message.Replace("--", string.Empty, StringComparison.Ordinal), null).ConfigureAwait(false);
            }
        });

        group.MapPost("/ma-api", async (HttpContext context, [FromForm] UserForm form, UserStore users, AuditLog audit, IOptions<ReportScheduleOptions> schedules, SourceActivity sources, IAntiforgery antiforgery) =>
        {
            try
            {
                var token = await users.CreateTokenAsync(form.Name ?? string.Empty, $"cấp bởi {context.User.Identity?.Name}", context.RequestAborted).ConfigureAwait(false);
                await audit.WriteAsync(context.User.Identity?.Name ?? string.Empty, "token_created", form.Name ?? string.Empty,
                    context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted).ConfigureAwait(false);
                return await RenderAsync(context, users, audit, schedules, sources, antiforgery, $"Đã cấp mã truy cập API cho {form.Name}.", null, token).ConfigureAwait(false);
            }
            catch (UserInputException ex)
            {
                return await RenderAsync(context, users, audit, schedules, sources, antiforgery, null, ex.Message.Replace("--", string.Empty, StringComparison.Ordinal), null).ConfigureAwait(false);
            }
        });
        return endpoints;
    }

    private static async Task<RazorComponentResult<AdminPage>> RenderAsync(
        HttpContext context, UserStore users, AuditLog audit, IOptions<ReportScheduleOptions> schedules, SourceActivity sources, IAntiforgery antiforgery,
        string? message, string? error, string? token)
    {
        if (error is not null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        // A page showing a new token must not be kept by a browser or proxy cache.
        context.Response.Headers.CacheControl = "no-store";
        return new RazorComponentResult<AdminPage>(new
        {
            Users = await users.ListAsync(context.RequestAborted).ConfigureAwait(false),
            Schedules = (IReadOnlyList<ReportSchedule>)schedules.Value.Schedules,
            Audit = await audit.RecentAsync(100, context.RequestAborted).ConfigureAwait(false),
            Sources = await sources.ListAsync(context.RequestAborted).ConfigureAwait(false),
            SilentAfter = sources.SilentAfter, Now = sources.Now,
            Message = message, Error = error, NewToken = token,
            User = context.User.Identity?.Name, Antiforgery = antiforgery.GetAndStoreTokens(context).RequestToken,
        });
    }

    public sealed class UserForm
    {
        public string? Name { get; set; }
        public string? Role { get; set; }
        public string? Province { get; set; }
        public string? Password { get; set; }
    }
}
