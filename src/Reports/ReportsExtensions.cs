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

    /// <summary>Adds the report scheduler (a hosted service) bound from the "Reports" section, validated on start.</summary>
    public static IServiceCollection AddReportScheduler(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ReportScheduleOptions>().Bind(configuration.GetSection(ReportScheduleOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReportScheduleOptions>, ReportScheduleOptionsValidator>();
        services.AddSingleton<ReportScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<ReportScheduler>());
        return services;
    }
}
