using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using ReformMetrics.Dashboard.Access;
using ReformMetrics.Dashboard.Auth;
using ReformMetrics.Dashboard.Components;
using ReformMetrics.Dashboard.Users;
using ReformMetrics.Metrics.Query;

namespace ReformMetrics.Dashboard.Sql;

/// <summary>GET and POST /sql (analysts and administrators): the SQL page; every query run is audited.</summary>
public static class SqlEndpoints
{
    public static IEndpointRouteBuilder MapSqlPage(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/sql").RequireAuthorization(DashboardAuth.Analyst);
        group.MapGet(string.Empty, (HttpContext context, IAntiforgery antiforgery) => new RazorComponentResult<SqlPage>(new
        {
            Sql = "SELECT province_code, province_name, sum(received_new) AS received\nFROM v_kpi_month\nWHERE geo = 2025 AND month = toDate('2025-09-01')\nGROUP BY province_code, province_name\nORDER BY received DESC",
            User = context.User.Identity?.Name, Antiforgery = antiforgery.GetAndStoreTokens(context).RequestToken,
        }));

        group.MapPost(string.Empty, async (HttpContext context, [FromForm] SqlForm form, AnalystQuery query, AuditLog audit, IAntiforgery antiforgery) =>
        {
            var user = context.User.Identity?.Name ?? string.Empty;
            var sql = form.Sql ?? string.Empty;
            QueryAnswer? answer = null;
            string? error = null;
            try
            {
                answer = await query.RunAsync(sql, context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AccessDeniedException or SelectionException or AnalystUnavailableException)
            {
                context.Response.StatusCode = ex switch
                {
                    AccessDeniedException => StatusCodes.Status403Forbidden,
                    AnalystUnavailableException => StatusCodes.Status503ServiceUnavailable,
                    _ => StatusCodes.Status400BadRequest,
                };
                error = ex.Message;
            }

            await audit.WriteAsync(user, "sql", (error is null ? "ok: " : "refused: ") + (sql.Length > 500 ? sql[..500] : sql),
                context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted).ConfigureAwait(false);
            return new RazorComponentResult<SqlPage>(new
            {
                Sql = sql, Answer = answer, Error = error, User = user, Antiforgery = antiforgery.GetAndStoreTokens(context).RequestToken,
            });
        });
        return endpoints;
    }

    public sealed class SqlForm
    {
        public string? Sql { get; set; }
    }
}
