using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReformMetrics.Store;
using ReformMetrics.Metrics.Index766;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Metrics.Query.Mirror;
using ReformMetrics.Metrics.Rankings;
using ReformMetrics.Metrics.Targets;

namespace ReformMetrics.Metrics;

public static class MetricsExtensions
{
    /// <summary>Keeps the rollup mirror loaded and current in a long-running service (`reform serve`).</summary>
    public static IServiceCollection AddRollupMirrorFollower(this IServiceCollection services)
    {
        services.AddHostedService<RollupMirrorFollower>();
        return services;
    }

    /// <summary>Registers the metrics layer: the query path, rankings, targets and the 766 index.</summary>
    public static IServiceCollection AddKpi(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<KpiCache>();
        services.AddOptions<KpiOptions>().BindConfiguration(KpiOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(provider => KpiReadGate.From(provider.GetRequiredService<IOptions<KpiOptions>>().Value));
        services.AddSingleton(provider => new RollupMirror(provider.GetRequiredService<ClickHouseStore>(), provider.GetRequiredService<ILogger<RollupMirror>>())
        {
            RowLimit = provider.GetRequiredService<IOptions<KpiOptions>>().Value.RollupMirrorRows,
        });
        // Without the answer cache every answer is computed; the data version and the reference names are still read at
        // most once a second (they are not answers: reading them for every question would add statements of their own).
        services.AddTransient(provider => new KpiService(
            provider.GetRequiredService<ClickHouseStore>(), provider.GetRequiredService<ILogger<KpiService>>(), provider.GetRequiredService<KpiCache>())
        {
            CacheAnswers = provider.GetRequiredService<IOptions<KpiOptions>>().Value.AnswerCache,
            InProcessFormulas = provider.GetRequiredService<IOptions<KpiOptions>>().Value.InProcessFormulas,
            ReadGate = provider.GetRequiredService<KpiReadGate>(),
            RollupMirror = provider.GetRequiredService<IOptions<KpiOptions>>().Value.RollupMirror ? provider.GetRequiredService<RollupMirror>() : null,
        });
        services.AddTransient<RankingService>();
        services.AddSingleton<TargetService>();
        services.AddTransient<Index766Service>();
        return services;
    }
}
