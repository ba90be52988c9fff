namespace ReformMetrics.Synthetic;

internal enum EventKind : byte
{
    Received, SupplementRequested, SupplementReceived, DueChanged, Resolved, Returned, Withdrawn, Apologized, PaidOnline, Rated,
}

/// <summary>One event of a generated dossier; times are Vietnam local time. Value, Due and Reason carry the
/// type-specific fields (channel, outcome or rating; the deadline; free text).</summary>
internal readonly record struct SyntheticEvent(EventKind Kind, DateTime At, string? Value = null, DateTime? Due = null, string? Reason = null);

/// <summary>A dossier being generated, reused from one dossier to the next to keep the generator allocation-light.</summary>
internal sealed class SyntheticDossier
{
    public string Id { get; set; } = string.Empty;
    public SyntheticProvince Province { get; set; } = null!;
    public string Level { get; set; } = string.Empty;
    public string AgencyCode { get; set; } = string.Empty;
    public SyntheticProcedure Procedure { get; set; } = null!;
    public string Channel { get; set; } = string.Empty;

    /// <summary>Every event the dossier will ever have, in the order they happen, including those after the run's end.</summary>
    public List<SyntheticEvent> Events { get; } = new(12);

    /// <summary>The province whose source system sends the dossier's events on a day: after the merger, the new one.</summary>
    public string FileProvince(DateTime at) =>
        Province.Geo == 2008 && DateOnly.FromDateTime(at) >= Geography.MergerDay ? Province.Code2025 : Province.Code;
}
