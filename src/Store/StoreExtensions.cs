using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ReformMetrics.Store.Migrations;
using ReformMetrics.Store.Refresh;
using ReformMetrics.Store.Sources;

namespace ReformMetrics.Store;

public static class StoreExtensions
{
    /// <summary>Registers the store (server or embedded engine) bound from the "ClickHouse" section, validated on start.</summary>
    public static IServiceCollection AddClickHouseStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClickHouseOptions>()
            .Bind(configuration.GetSection(ClickHouseOptions.SectionName))
            .PostConfigure(options => options.TakeClusterKey())
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ClickHouseOptions>, ClickHouseOptionsValidator>();
        services.AddSingleton<ClickHouseStore>();
        services.AddSingleton(Migration.LoadEmbedded());
        services.AddTransient<MigrationRunner>();
        services.AddOptions<RefreshOptions>()
            .Bind(configuration.GetSection(RefreshOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddTransient<DossierRefresher>();
        return services;
    }

    /// <summary>Registers when each source system last had events accepted (written by the intake, read by `reform sources
    /// list` and the administration page) and the "Feed" section that says how long a source may stay silent, validated on
    /// start. Ingestion (the intake) and the dashboard both ask for it; it is registered once.</summary>
    public static IServiceCollection AddSourceActivity(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(SourceActivity)))
        {
            return services;
        }

        services.AddOptions<FeedOptions>()
            .BindConfiguration(FeedOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SourceActivity>();
        return services;
    }
}
