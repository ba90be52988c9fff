namespace ReformMetrics.Metrics.Catalogue;

public enum MetricUnit
{
    /// <summary>A number of dossiers (or items).</summary>
    Count,

    /// <summary>A fraction; null when its denominator is 0.</summary>
    Rate,

    /// <summary>Working days.</summary>
    WorkingDays,
}

/// <summary>Which way is good, for rankings and targets.</summary>
public enum Better
{
    Higher,
    Lower,
    Neutral,
}

/// <summary>Where a metric's inputs come from: the dossier measures, feedback items or the task register.</summary>
public enum MetricFamily
{
    Dossiers,
    Feedback,
    Tasks,
}

/// <summary>
/// One metric of the catalogue (docs/metrics.md is generated from these): its contract key, the label users read,
/// its unit and good direction, what it counts and over what, where it comes from, and its formula: the one ClickHouse
/// expression that computes it from the base measures of <see cref="BaseMeasures"/> (b_*) and other metrics of the same
/// family and row. The query path and the analysts' views both evaluate this expression; a test checks that it names
/// nothing else and that no metric depends on itself.
/// </summary>
public sealed record MetricDefinition(
    string Key,
    string Label,
    MetricUnit Unit,
    Better Better,
    string Definition,
    string? Denominator,
    string Source,
    string Sql,
    MetricFamily Family = MetricFamily.Dossiers)
{
    /// <summary>The base measures and metrics the formula reads.</summary>
    public IReadOnlyList<string> Inputs => Formula.Identifiers(Sql);

    /// <summary>What the metric counts, in Vietnamese, for reports and the dashboard.</summary>
    public string Explanation => MetricExplanations.For(Key) ?? Definition;

    /// <summary>The legal documents a report may cite for the metric, each with the days it was in force; only verified
    /// citations go here (<see cref="Source"/> says where the definition comes from, including what is unverified).</summary>
    public IReadOnlyList<LegalBasis> Bases { get; init; } = [];

    /// <summary>The bases in force on some day of <paramref name="start"/>–<paramref name="end"/>, as a report cites them
    /// ("Thông tư ...; Nghị định ..."), or null when the metric has none.</summary>
    public string? BasisFor(DateOnly start, DateOnly end)
    {
        var cited = Bases.Where(b => (b.From is null || b.From <= end) && (b.Until is null || b.Until >= start)).Select(b => b.Citation).ToList();
        return cited.Count == 0 ? null : string.Join("; ", cited);
    }
}

/// <summary>A legal document cited for a metric: its citation as printed (number, date, article) and the days it was in
/// force (null: no bound known or needed).</summary>
public sealed record LegalBasis(string Citation, DateOnly? From = null, DateOnly? Until = null);
