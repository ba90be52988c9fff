using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using ReformMetrics.Dashboard.Access;
using ReformMetrics.Dashboard.Components;
using ReformMetrics.Dashboard.Users;

namespace ReformMetrics.Dashboard.Auth;

/// <summary>GET and POST /dang-nhap (sign in, antiforgery-checked, audited, locking after repeated failures) and
/// POST /dang-xuat (sign out).</summary>
public static class LoginEndpoints
{
    public static IEndpointRouteBuilder MapLogin(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(DashboardAuth.LoginPath, (HttpContext context, IAntiforgery antiforgery, string? returnUrl) =>
            new RazorComponentResult<LoginPage>(new { Antiforgery = antiforgery.GetAndStoreTokens(context).RequestToken, ReturnUrl = returnUrl }));

        endpoints.MapPost(DashboardAuth.LoginPath, async (HttpContext context, [FromForm] LoginForm form, UserStore users, AuditLog audit, IAntiforgery antiforgery) =>
        {
            var cancellationToken = context.RequestAborted;
            var remote = context.Connection.RemoteIpAddress?.ToString();
            var (outcome, user) = await users.LoginAsync(form.Name ?? string.Empty, form.Password ?? string.Empty, cancellationToken).ConfigureAwait(false);
            await audit.WriteAsync(user?.Name ?? (form.Name ?? string.Empty).Trim().ToLowerInvariant(), outcome switch
            {
                LoginOutcome.Success => "login",
                LoginOutcome.LockedOut => "locked_out",
                _ => "login_failed",
            }, outcome.ToString(), remote, cancellationToken).ConfigureAwait(false);
            if (outcome != LoginOutcome.Success || user is null)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return (IResult)new RazorComponentResult<LoginPage>(new
                {
                    Antiforgery = antiforgery.GetAndStoreTokens(context).RequestToken,
                    form.ReturnUrl,
                    form.Name,
                    Error = outcome == LoginOutcome.LockedOut
                        ? "Tài khoản tạm thời bị khoá vì đăng nhập sai nhiều lần. Vui lòng thử lại sau."
                        : "Tên đăng nhập hoặc mật khẩu không đúng.",
                });
            }

            var identity = new ClaimsIdentity(AccessScope.Claims(user).Append(SessionStamp.Claim(user)), CookieAuthenticationDefaults.AuthenticationScheme, ClaimTypes.Name, ClaimTypes.Role);
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity)).ConfigureAwait(false);
            return Results.LocalRedirect(IsLocal(form.ReturnUrl) ? form.ReturnUrl! : "/");
        });

        endpoints.MapPost("/dang-xuat", async (HttpContext context, AuditLog audit) =>
        {
            if (context.User.Identity?.Name is { } name)
            {
                await audit.WriteAsync(name, "logout", string.Empty, context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted).ConfigureAwait(false);
            }

            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
            return Results.LocalRedirect(DashboardAuth.LoginPath);
        });
        return endpoints;
    }

    // Only a path of this site: "//evil.example" and "/\evil" are other sites to a browser, which also drops tabs and
    // line breaks ("/\t/evil.example" is "//evil.example"); and a Location header cannot carry control characters. A
    // path the site made itself is percent-encoded, so anything but printable ASCII is refused.
    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && url.All(c => c is > ' ' and < (char)0x7F);

    public sealed class LoginForm
    {
        public string? Name { get; set; }
        public string? Password { get; set; }
        public string? ReturnUrl { get; set; }
    }
}
