using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using ReformMetrics.Reports.OfficialForm;
using ReformMetrics.Reports.Scheduling;

namespace ReformMetrics.Reports;

public static class ReportsExtensions
{
    /// <summary>Registers the report builders (they read the metrics layer, registered by AddKpi).</summary>
    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddTransient<TthcResultsBuilder>();
        services.AddTransient<Excel.ProvincesReportBuilder>();
        services.AddTransient<Bulletin.BulletinBuilder>();
        services.AddTransient<ReportGenerator>();
        return services;
    }

    /// <summary>
    /// Binds the "Reports" section once, validated on start. Both the scheduler and the dashboard (which lists the
    /// reports folder) need it; binding twice would append every schedule to the list a second time.
    /// </summary>
    public static IServiceCollection AddReportScheduleOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(IValidateOptions<ReportScheduleOptions>)))
        {
            return services;
        }

        services.AddOptions<ReportScheduleOptions>().Bind(configuration.GetSection(ReportScheduleOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReportScheduleOptions>, ReportScheduleOptionsValidator>();
        return services;
    }

    /// <summary>Adds the report scheduler (a hosted service) bound from the "Reports" section, validated on start.</summary>
    public static IServiceCollection AddReportScheduler(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddReportScheduleOptions(configuration);
        services.AddSingleton<ReportScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<ReportScheduler>());
        return services;
    }
}
