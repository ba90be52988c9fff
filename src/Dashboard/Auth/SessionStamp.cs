using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using ReformMetrics.Dashboard.Users;

namespace ReformMetrics.Dashboard.Auth;

/// <summary>
/// A session cookie carries its user's security stamp; every request that presents one asks the store for the current
/// stamp (one row by its key) and ends the session when it changed (new role, province or password), or when the user
/// is disabled or gone. No cache: a demotion takes effect at the very next request.
/// </summary>
public static class SessionStamp
{
    public const string ClaimType = "reform:stamp";

    public static Claim Claim(DashboardUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new Claim(ClaimType, user.SecurityStamp);
    }

    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = context.Principal?.Identity?.Name;
        var stamp = context.Principal?.FindFirstValue(ClaimType);
        var users = context.HttpContext.RequestServices.GetRequiredService<UserStore>();
        if (name is null || stamp is null
            || await users.SessionStampAsync(name, context.HttpContext.RequestAborted).ConfigureAwait(false) is not { } current
            || !string.Equals(current, stamp, StringComparison.Ordinal))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
        }
    }
}
