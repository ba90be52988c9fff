namespace ReformMetrics.Ingest.Contract;

/// <summary>The fields of the dossier event contract (design.md), in the order of the CSV header.</summary>
public enum EventField
{
    EventId,
    DossierId,
    EventType,
    OccurredAt,
    ProvinceCode,
    Level,
    AgencyCode,
    SectorCode,
    ProcedureCode,
    Channel,
    OnlineEnabled,
    DueAt,
    Outcome,
    Rating,
    Reason,
}

public static class EventFields
{
    public static readonly EventField[] All = Enum.GetValues<EventField>();

    /// <summary>The contract's field names (CSV header, NDJSON keys).</summary>
    public static readonly string[] Names =
    [
        "event_id", "dossier_id", "event_type", "occurred_at", "province_code", "level", "agency_code", "sector_code",
        "procedure_code", "channel", "online_enabled", "due_at", "outcome", "rating", "reason",
    ];

    public static string Name(this EventField field) => Names[(int)field];

    /// <summary>Index of a contract field name, or -1.</summary>
    public static int IndexOf(ReadOnlySpan<char> name)
    {
        for (var i = 0; i < Names.Length; i++)
        {
            if (name.SequenceEqual(Names[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
