using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ReformMetrics.Dashboard.Users;

namespace ReformMetrics.Dashboard.Auth;

/// <summary>
/// Sign-in for the dashboard and its API: a session cookie (pages and API) or a per-user API token as a Bearer header
/// (API), chosen per request, with the same claims and the same authorization either way. API requests are answered
/// 401/403 rather than redirected to the login page.
/// </summary>
public static class DashboardAuth
{
    public const string Smart = "CookieOrToken";
    public const string LoginPath = "/dang-nhap";

    /// <summary>Policies by role: any signed-in user, report generation, analyst pages, administration.</summary>
    public const string Viewer = "viewer";
    public const string Reporter = "reporter";
    public const string Analyst = "analyst";
    public const string Admin = "admin";

    /// <param name="httpsOnly">The service answers HTTPS only: cookies are always marked Secure. Otherwise they are
    /// Secure on HTTPS requests, including those a known proxy says came over HTTPS.</param>
    public static IServiceCollection AddDashboardAuth(this IServiceCollection services, int sessionHours, bool httpsOnly)
    {
        var secure = httpsOnly ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        services.AddAuthentication(Smart)
            .AddPolicyScheme(Smart, Smart, o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? ApiTokenHandler.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.LoginPath = LoginPath;
                o.AccessDeniedPath = "/khong-co-quyen";
                o.Cookie.Name = "reform.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = secure;
                o.ExpireTimeSpan = TimeSpan.FromHours(sessionHours);
                o.SlidingExpiration = true;
                o.Events.OnValidatePrincipal = SessionStamp.ValidateAsync;
                o.Events.OnRedirectToLogin = context => Refuse(context, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = context => Refuse(context, StatusCodes.Status403Forbidden);
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(ApiTokenHandler.SchemeName, null);
        services.AddAntiforgery(o =>
        {
            o.HeaderName = "X-CSRF-TOKEN";
            o.Cookie.SecurePolicy = secure;
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(Viewer, p => p.RequireAuthenticatedUser())
            .AddPolicy(Reporter, p => p.RequireRole(Role.Reporter.Name(), Role.Admin.Name()))
            .AddPolicy(Analyst, p => p.RequireRole(Role.Analyst.Name(), Role.Admin.Name()))
            .AddPolicy(Admin, p => p.RequireRole(Role.Admin.Name()));
        return services;
    }

    // Pages go to the login page; the API answers with a status and a Vietnamese problem detail.
    private static Task Refuse(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (!context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            context.Response.Redirect(context.RedirectUri);
            return Task.CompletedTask;
        }

        context.Response.StatusCode = status;
        return Results.Problem(
            title: status == StatusCodes.Status401Unauthorized ? "Chưa đăng nhập" : "Không có quyền",
            detail: status == StatusCodes.Status401Unauthorized
                ? "Cần đăng nhập hoặc gửi mã truy cập API trong tiêu đề Authorization: Bearer."
                : "Tài khoản không có quyền dùng chức năng này.",
            statusCode: status).ExecuteAsync(context.HttpContext);
    }
}
