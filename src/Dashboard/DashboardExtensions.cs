using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.FileProviders;
using ReformMetrics.Dashboard.Access;
using ReformMetrics.Dashboard.Admin;
using ReformMetrics.Dashboard.Api;
using ReformMetrics.Dashboard.Auth;
using ReformMetrics.Dashboard.Overdue;
using ReformMetrics.Dashboard.Docs;
using ReformMetrics.Dashboard.Limits;
using ReformMetrics.Dashboard.Pages;
using ReformMetrics.Dashboard.Registers;
using ReformMetrics.Dashboard.Sql;
using ReformMetrics.Dashboard.Transport;
using ReformMetrics.Dashboard.ReportShelf;
using ReformMetrics.Dashboard.Users;
using ReformMetrics.Reports;
using ReformMetrics.Store;

namespace ReformMetrics.Dashboard;

public static class DashboardExtensions
{
    /// <summary>Registers the dashboard: users, sign-in (cookie or API token), access rules, pages and error handling.
    /// The metrics layer (AddKpi) and the store are registered by the host.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddDashboardUsers(configuration);
        var transport = services.AddServerTransport(configuration);
        var options = configuration.GetSection(DashboardOptions.SectionName).Get<DashboardOptions>() ?? new DashboardOptions();
        services.AddDashboardAuth(options.SessionHours, httpsOnly: transport.Certificate is not null);
        services.AddDashboardKeyRing(configuration, options, transport);
        services.AddTransient<Pages.PageData>();
        services.AddTransient<Overdue.OverdueQuery>();
        services.AddTransient<Registers.RegisterQuery>();
        services.AddTransient<Sql.AnalystQuery>();
        services.AddReportScheduleOptions(configuration);
        services.AddSourceActivity(); // the administration page's sources and their silence
        services.AddTransient<ReportShelf.ReportLibrary>();
        // Vietnamese letters go out as themselves, not as &#x1EA1; entities (a third of the page otherwise).
        services.AddWebEncoders(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        // Vietnamese stays readable in the API's JSON instead of \u escapes.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        services.AddRazorComponents();
        services.AddProblemDetails();
        services.AddExceptionHandler<StoreErrors>();
        services.AddRequestLimits(configuration);
        return services;
    }

    /// <summary>The user store, audit log and access rules, also used by `reform users` without the web app.</summary>
    public static IServiceCollection AddDashboardUsers(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(UserStore)))
        {
            return services; // the CLI host and the dashboard both ask for it in `reform serve`
        }

        services.AddOptions<DashboardOptions>().Bind(configuration.GetSection(DashboardOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPasswordHasher<DashboardUser>, PasswordHasher<DashboardUser>>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<ProvinceMap>();
        return services;
    }

    /// <summary>The middleware and endpoints of the dashboard and its API.</summary>
    public static WebApplication MapDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseTransportSecurity();
        app.UseExceptionHandler();
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new EmbeddedFileProvider(typeof(DashboardExtensions).Assembly, "ReformMetrics.Dashboard.Static"),
            RequestPath = "/static",
        });
        app.UseAuthentication();
        app.UseRequestLimits();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapLogin();
        app.MapPages();
        app.MapOverdue();
        app.MapReportShelf();
        app.MapDocs();
        app.MapRegisters();
        app.MapAdmin();
        app.MapSqlPage();
        app.MapKpiApi();
        return app;
    }
}
