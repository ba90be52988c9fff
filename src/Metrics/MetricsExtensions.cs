using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ReformMetrics.Metrics.Index766;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Metrics.Rankings;
using ReformMetrics.Metrics.Targets;

namespace ReformMetrics.Metrics;

public static class MetricsExtensions
{
    /// <summary>Registers the metrics layer: the query path, rankings, targets and the 766 index.</summary>
    public static IServiceCollection AddKpi(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<KpiCache>();
        services.AddTransient<KpiService>();
        services.AddTransient<RankingService>();
        services.AddSingleton<TargetService>();
        services.AddTransient<Index766Service>();
        return services;
    }
}
