using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Ingest;
using ReformMetrics.Ingest.Ledger;
using ReformMetrics.Ingest.Loading;
using ReformMetrics.Ingest.Records;
using ReformMetrics.Store;

namespace ReformMetrics.TestSupport;

/// <summary>The ingestion objects wired as AddIngest wires them, for tests that need no host.</summary>
public static class Ingestors
{
    public static SourceLedger Ledger(ClickHouseStore store) => new(store, NullLogger<SourceLedger>.Instance);

    public static EventIngestor Events(ClickHouseStore store, int batchRows = EventIngestor.DefaultBatchRows) =>
        new(store, new EventLoader(store, Ledger(store), NullLogger<EventLoader>.Instance), Ledger(store), TimeProvider.System, NullLogger<EventIngestor>.Instance)
        {
            BatchRows = batchRows,
        };

    public static InputIngestor Inputs(ClickHouseStore store) =>
        new(Events(store), new RecordFileLoader(store, Ledger(store), TimeProvider.System, NullLogger<RecordFileLoader>.Instance));

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
