using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Ingest.Ledger;
using ReformMetrics.Ingest.Loading;
using ReformMetrics.Ingest.Records;
using ReformMetrics.Store;

namespace ReformMetrics.Ingest.Tests;

/// <summary>The ingestion objects wired as AddIngest wires them, for tests that need no host.</summary>
internal static class Ingestors
{
    public static SourceLedger Ledger(ClickHouseStore store) => new(store, NullLogger<SourceLedger>.Instance);

    public static EventIngestor Events(ClickHouseStore store, int batchRows = EventIngestor.DefaultBatchRows) =>
        new(store, new EventLoader(store, Ledger(store), NullLogger<EventLoader>.Instance), Ledger(store), TimeProvider.System, NullLogger<EventIngestor>.Instance)
        {
            BatchRows = batchRows,
        };

    public static InputIngestor Inputs(ClickHouseStore store) =>
        new(Events(store), new RecordFileLoader(store, Ledger(store), TimeProvider.System, NullLogger<RecordFileLoader>.Instance));
}
