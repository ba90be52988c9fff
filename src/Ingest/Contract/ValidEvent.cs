namespace ReformMetrics.Ingest.Contract;

/// <summary>An event that passed validation, with its enumerations as the Enum8 codes of the events table
/// (0 where the field is absent) and its times as Unix milliseconds.</summary>
public sealed class ValidEvent
{
    public required string EventId { get; init; }
    public required string DossierId { get; init; }
    public byte EventType { get; init; }
    public long OccurredAtMs { get; init; }
    public string ProvinceCode { get; init; } = string.Empty;
    public byte Level { get; init; }
    public string AgencyCode { get; init; } = string.Empty;
    public string SectorCode { get; init; } = string.Empty;
    public string ProcedureCode { get; init; } = string.Empty;
    public byte Channel { get; init; }

    /// <summary>0 absent, 1 false, 2 true.</summary>
    public byte OnlineEnabled { get; init; }
    public long? DueAtMs { get; init; }
    public byte Outcome { get; init; }
    public byte Rating { get; init; }
    public string Reason { get; init; } = string.Empty;

    /// <summary>Line of the source the event came from (for resumption and messages).</summary>
    public long Line { get; init; }
}

/// <summary>A row that failed validation: where, what and why, as written to quarantine and the rejects file.</summary>
public sealed record Rejection(long Line, string Raw, string Field, string Reason);
