using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReformMetrics.Ingest;
using ReformMetrics.Ingest.Ledger;
using ReformMetrics.Ingest.Limits;
using ReformMetrics.Ingest.Loading;
using ReformMetrics.Ingest.Records;
using ReformMetrics.Store;

namespace ReformMetrics.TestSupport;

/// <summary>The ingestion objects wired as AddIngest wires them, for tests that need no host.</summary>
public static class Ingestors
{
    public static SourceLedger Ledger(ClickHouseStore store) => new(store, NullLogger<SourceLedger>.Instance);

    /// <summary>The coordinator of a store's loads, one per store as the service has one per process: loads made through
    /// several ingestors of one store share it, as they would in the service.</summary>
    public static IngestCoordinator Coordinator(ClickHouseStore store) =>
        Coordinators.GetValue(store, _ => new IngestCoordinator(Options.Create(new IntakeOptions())));

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ClickHouseStore, IngestCoordinator> Coordinators = new();

    public static EventIngestor Events(
        ClickHouseStore store, int batchRows = EventIngestor.DefaultBatchRows, IntakeOptions? limits = null, IngestCoordinator? coordinator = null)
    {
        coordinator ??= Coordinator(store);
        return new(store, new EventLoader(store, Ledger(store), coordinator, NullLogger<EventLoader>.Instance), Ledger(store), coordinator,
            TimeProvider.System, Options.Create(limits ?? new IntakeOptions()), NullLogger<EventIngestor>.Instance)
        {
            BatchRows = batchRows,
        };
    }

    public static InputIngestor Inputs(ClickHouseStore store, IntakeOptions? limits = null) =>
        new(Events(store, limits: limits),
            new RecordFileLoader(store, Ledger(store), TimeProvider.System, Options.Create(limits ?? new IntakeOptions()), NullLogger<RecordFileLoader>.Instance));

    /// <summary>Loads every CSV of a folder (as `reform ingest DIR` does: in name order) and refreshes the dossier state.</summary>
    public static async Task<List<IngestResult>> LoadFolderAsync(ClickHouseStore store, string directory, CancellationToken cancellationToken)
    {
        var ingestor = Inputs(store);
        var results = new List<IngestResult>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.csv").Order(StringComparer.Ordinal))
        {
            results.Add(await ingestor.IngestFileAsync(file, null, cancellationToken));
        }

        await new Store.Refresh.DossierRefresher(store, NullLogger<Store.Refresh.DossierRefresher>.Instance).RefreshAsync(cancellationToken);
        return results;
    }
}
