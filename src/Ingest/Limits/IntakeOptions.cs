using System.ComponentModel.DataAnnotations;

namespace ReformMetrics.Ingest.Limits;

/// <summary>
/// How much one source may make ingestion hold or do (section "Intake"): the size of an HTTP body, what a gzip source
/// may unpack to, the length of one row, and how much of a rejected row's text is kept. Every limit turns hostile or
/// broken input into a clear refusal or one rejected row, never into an exhausted server.
/// </summary>
public sealed class IntakeOptions
{
    public const string SectionName = "Intake";
    public const int DefaultMaxLineBytes = 64 * 1024;

    /// <summary>The largest body <c>POST /api/events</c> accepts, as sent (gzip counts compressed).</summary>
    [Range(1024, 1L << 32)]
    public long MaxBodyBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Bodies <c>POST /api/events</c> reads at once: each is held in memory (up to <see cref="MaxBodyBytes"/>) until
    /// it is loaded, and only <see cref="ConcurrentLoads"/> load at a time. A request finding every place taken waits up to
    /// <see cref="BodyWaitSeconds"/>, then gets 503 with Retry-After, before its body is read.</summary>
    [Range(1, 64)]
    public int MaxConcurrentBodies { get; set; } = 4;

    [Range(1, 600)]
    public int BodyWaitSeconds { get; set; } = 30;

    /// <summary>What a gzip body may unpack to. Event files compress 6 to 14 times (CSV and NDJSON measured with gzip -1 to
    /// -9): a 64 MB body of real events unpacks to at most about 900 MB, a gzip bomb to a thousand times its size.</summary>
    [Range(1024, 1L << 40)]
    public long MaxUnpackedBodyBytes { get; set; } = 1L << 30;

    /// <summary>What a gzip file (inbox, <c>reform ingest</c>) may unpack to: a national year of events is about 15 GB.</summary>
    [Range(1024, 1L << 44)]
    public long MaxUnpackedFileBytes { get; set; } = 32L << 30;

    /// <summary>The longest row (CSV, including a quoted value that spans lines) or line (NDJSON), in bytes. The longest
    /// valid event is about 5 KB of CSV, or 13 KB of NDJSON with every character of its reason escaped.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxLineBytes { get; set; } = DefaultMaxLineBytes;

    /// <summary>How much of a rejected row's text is kept (quarantine, rejects file, the intake's answer); its row number,
    /// field and reason are always kept.</summary>
    [Range(64, 1024 * 1024)]
    public int MaxRawChars { get; set; } = 4096;

    /// <summary>Rejected text kept in full per batch (250,000 rows); past it, each rejected row keeps its first
    /// <see cref="RawBudget.ShortChars"/> characters, so that a batch of bad rows holds megabytes, not gigabytes.</summary>
    [Range(1024, 1L << 31)]
    public long MaxRawCharsPerBatch { get; set; } = 4L * 1024 * 1024;

    /// <summary>Sources (files, request bodies, inbox files) loaded at the same time by one process; 0 takes
    /// <see cref="Loading.IngestCoordinator.DefaultDegree"/> (one more than the cores, 2 to 4). <c>reform ingest --parallel</c>
    /// overrides it for one command.</summary>
    [Range(0, 64)]
    public int ConcurrentLoads { get; set; }

    /// <summary>Rows every load of the process may hold in batches at once (being read, waiting, prepared, stored): what
    /// one large file alone holds (four batches of 250,000), so that memory does not grow with the loads running at once.</summary>
    [Range(1000, 100_000_000)]
    public long MaxRowsInFlight { get; set; } = 4L * EventIngestor.DefaultBatchRows;
}
