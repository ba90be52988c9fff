using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReformMetrics.Store.Migrations;
using ReformMetrics.Store.Refresh;

namespace ReformMetrics.Store;

public static class StoreExtensions
{
    /// <summary>Registers the store (server or embedded engine) bound from the "ClickHouse" section, validated on start.</summary>
    public static IServiceCollection AddClickHouseStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClickHouseOptions>()
            .Bind(configuration.GetSection(ClickHouseOptions.SectionName))
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
}
