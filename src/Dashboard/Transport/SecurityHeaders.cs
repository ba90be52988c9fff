using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ReformMetrics.Dashboard.Transport;

/// <summary>
/// Headers on every answer, error pages included (set as the answer starts, after any handler cleared the others):
/// a content policy that allows only this site's own scripts, styles and images (the pages have no inline script or
/// style: Chart.js and dashboard.js are files under /static, and the tile map's colours are SVG attributes, which the
/// policy does not govern), no framing, no MIME sniffing, no referrer to other sites, and no caching of data answers
/// (/api/*) or of pages seen by a signed-in user.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(Apply, context);
            return next(context);
        });

    private static Task Apply(object state)
    {
        var context = (HttpContext)state;
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal) || context.User.Identity?.IsAuthenticated == true)
        {
            headers.CacheControl = "no-store";
        }

        return Task.CompletedTask;
    }
}
