namespace ReformMetrics.Ingest;

/// <summary>What loading one source did.</summary>
public sealed record IngestResult(
    string Source,
    long Rows,
    long Accepted,
    long Duplicates,
    long Rejected,
    TimeSpan Elapsed,
    bool AlreadyLoaded = false,
    string? RejectsFile = null,
    string? Failure = null,
    string FileKey = "")
{
    public bool Failed => Failure is not null;
}

/// <summary>Where a load stands, for progress displays.</summary>
public readonly record struct IngestProgress(string Source, long BytesRead, long TotalBytes, long Rows, long Accepted, long Duplicates, long Rejected, TimeSpan Elapsed);
