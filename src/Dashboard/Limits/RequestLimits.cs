using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReformMetrics.Dashboard.Auth;

namespace ReformMetrics.Dashboard.Limits;

/// <summary>
/// What one caller may cost the service, enforced by ASP.NET Core's rate limiter and by ClickHouse: every request (but
/// the sources' POST /api/events, bounded by intake) counts against its user, or its address before sign-in (a token
/// bucket and a cap on requests in progress); sign-in attempts count per address, exports per user, both stricter; and
/// every query a request causes runs under the viewer <see cref="Store.QueryBudget"/>. A caller over a rate gets 429 with
/// Retry-After and a Vietnamese reason.
/// </summary>
public static class RequestLimits
{
    /// <summary>The rate limiter policy of exports (the overdue CSV, reports made on demand).</summary>
    public const string Exports = "exports";

    public static IServiceCollection AddRequestLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LimitOptions>().Bind(configuration.GetSection(DashboardOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<LimitOptions>, LimitOptionsValidator>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<LimitOptions>>((o, limits) =>
        {
            var l = limits.Value;
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(c => Bounded(c)
                    ? RateLimitPartition.GetTokenBucketLimiter("requests " + Caller(c), _ => PerMinute(l.RequestsPerMinute))
                    : RateLimitPartition.GetNoLimiter(string.Empty)),
                PartitionedRateLimiter.Create<HttpContext, string>(c => Bounded(c)
                    ? RateLimitPartition.GetConcurrencyLimiter("in progress " + Caller(c), _ => new ConcurrencyLimiterOptions { PermitLimit = l.ConcurrentRequests })
                    : RateLimitPartition.GetNoLimiter(string.Empty)),
                PartitionedRateLimiter.Create<HttpContext, string>(c => IsLogin(c)
                    ? RateLimitPartition.GetTokenBucketLimiter("login " + Address(c), _ => PerMinute(l.LoginsPerMinute))
                    : RateLimitPartition.GetNoLimiter(string.Empty)));
            o.AddPolicy(Exports, c => RateLimitPartition.GetTokenBucketLimiter("exports " + Caller(c), _ => PerMinute(l.ExportsPerMinute)));
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = RejectAsync;
        });
        return services;
    }

    /// <summary>The rate limiter, then the query budget, for the endpoints after it (call after UseAuthentication: the
    /// limits are per signed-in user).</summary>
    public static WebApplication UseRequestLimits(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseRateLimiter();
        // Read at the first request: the options are validated when the host starts, like every other section.
        var limits = app.Services.GetRequiredService<IOptions<LimitOptions>>();
        var budget = new Lazy<Store.QueryBudget>(() => limits.Value.Budget());
        app.Use(async (context, next) =>
        {
            if (!Bounded(context))
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            using (budget.Value.Enter())
            {
                await next(context).ConfigureAwait(false);
            }
        });
        return app;
    }

    /// <summary>Everything but the sources' event intake, which has limits of its own and answers machines, not users.</summary>
    private static bool Bounded(HttpContext context) =>
        !(HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals("/api/events", StringComparison.Ordinal));

    private static bool IsLogin(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals(DashboardAuth.LoginPath, StringComparison.Ordinal);

    /// <summary>The signed-in user (by cookie or API token alike), else the address.</summary>
    private static string Caller(HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? "user " + name : Address(context);

    private static string Address(HttpContext context) => "address " + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    /// <summary>A bucket of a minute's worth of requests, refilled one at a time: a burst is allowed, a steady flood is not.</summary>
    private static TokenBucketRateLimiterOptions PerMinute(int perMinute) => new()
    {
        TokenLimit = perMinute,
        TokensPerPeriod = 1,
        ReplenishmentPeriod = TimeSpan.FromMinutes(1) / perMinute,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        // A cap on requests in progress gives no time; a second is when the shortest request may have ended.
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var what = IsLogin(context) ? "Địa chỉ này đã đăng nhập quá nhiều lần"
            : context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == Exports ? "Tài khoản đã xuất dữ liệu quá nhiều lần"
            : "Đã có quá nhiều yêu cầu";
        await StoreErrors.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Quá nhiều yêu cầu",
            $"{what} trong thời gian ngắn. Vui lòng thử lại sau {seconds.ToString("N0", CultureInfo.GetCultureInfo("vi-VN"))} giây.", cancellationToken).ConfigureAwait(false);
    }
}
