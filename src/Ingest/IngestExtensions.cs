using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Configuration;
using ReformMetrics.Ingest.Inbox;
using ReformMetrics.Ingest.Intake;
using ReformMetrics.Ingest.Loading;
using ReformMetrics.Ingest.Ledger;
using ReformMetrics.Ingest.Limits;
using ReformMetrics.Ingest.Records;
using ReformMetrics.Store;

namespace ReformMetrics.Ingest;

public static class IngestExtensions
{
    /// <summary>Registers ingestion: validation, the exactly-once loader and the ingestor of files and request bodies.</summary>
    public static IServiceCollection AddIngest(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<Loading.IngestCoordinator>();
        services.AddTransient<SourceLedger>();
        services.AddTransient<EventLoader>();
        services.AddTransient<RecordFileLoader>();
        services.AddTransient<InputIngestor>();
        services.AddTransient<EventIngestor>();
        services.AddSingleton<ApiSources>();
        services.AddSourceActivity();
        services.AddOptions<IntakeOptions>().BindConfiguration(IntakeOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Intake.IntakeGate>();
        return services;
    }

    /// <summary>Adds the inbox watcher (a hosted service), bound from the "Inbox" section.</summary>
    public static IServiceCollection AddInboxWatcher(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<InboxOptions>().Bind(configuration.GetSection(InboxOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<InboxWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<InboxWatcher>());
        return services;
    }
}
