using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ReformMetrics.Ingest.Loading;

namespace ReformMetrics.Ingest;

public static class IngestExtensions
{
    /// <summary>Registers ingestion: validation, the exactly-once loader and the ingestor of files and request bodies.</summary>
    public static IServiceCollection AddIngest(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddTransient<EventLoader>();
        services.AddTransient<EventIngestor>();
        return services;
    }
}
