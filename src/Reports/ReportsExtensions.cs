using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ReformMetrics.Reports.OfficialForm;

namespace ReformMetrics.Reports;

public static class ReportsExtensions
{
    /// <summary>Registers the report builders (they read the metrics layer, registered by AddKpi).</summary>
    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddTransient<TthcResultsBuilder>();
        services.AddTransient<Excel.ProvincesReportBuilder>();
        return services;
    }
}
