using ReformMetrics.Store.Refresh;

namespace ReformMetrics.Metrics.Catalogue;

/// <summary>Which rows of a pre-aggregate column count for a period (a bucket [start, end] of whole days).</summary>
public enum Timing
{
    /// <summary>A flow: the rows of the period's days.</summary>
    InPeriod,

    /// <summary>A stock at the period's end: the running sum of a delta column up to its last day.</summary>
    AtEnd,

    /// <summary>A stock at the period's start: the running sum of a delta column up to the day before it.</summary>
    BeforeStart,
}

/// <summary>
/// A base measure: a number the metrics' formulas are written over (the <c>b_*</c> names of
/// <see cref="MetricDefinition.Sql"/>). Each is declared once, in <see cref="BaseMeasures"/>; the SQL that computes it
/// in each place (the query path over the pre-aggregates or the dossier state, the analysts' views) is generated from
/// the declaration.
/// </summary>
public abstract record BaseMeasure(string Name, string Meaning)
{
    /// <summary>Whose rows it counts.</summary>
    public abstract MetricFamily Family { get; }
}

/// <summary>
/// A dossier measure: one column of the pre-aggregates, counted when <paramref name="Timing"/> says (and, for a split by
/// submission channel, only the rows of <paramref name="Channel"/>), and the same count over the dossier state, one row
/// per dossier, in <paramref name="OverState"/> (the columns of <c>Query/Measures.StateSource</c>: <c>rd</c>, <c>ed</c> the
/// days of receipt and end, <c>ch</c> the channel, <c>ou</c>, <c>owp</c> the end of being overdue; <c>bs</c>, <c>be</c>
/// the bucket's first and last day). The two must agree exactly; tests compare them on generated data.
/// </summary>
public sealed record DossierMeasure(string Name, string Meaning, PreAggregateColumn Column, Timing Timing, string OverState, string? Channel = null)
    : BaseMeasure(Name, Meaning)
{
    public override MetricFamily Family => MetricFamily.Dossiers;
}

/// <summary>A measure over the items of another register (feedback items of v_feedback, tasks of v_tasks): an aggregate
/// over their rows for the bucket [bs, be]. A feedback measure also carries <see cref="Counts"/>, the same condition for the
/// service's in-process answers (the rollup mirror holds the items); the two must agree exactly, and tests compare them on
/// every item and bucket of generated data and on the calendar's edges.</summary>
public sealed record ItemMeasure(string Name, string Meaning, MetricFamily ItemFamily, string OverItems) : BaseMeasure(Name, Meaning)
{
    public override MetricFamily Family => ItemFamily;

    /// <summary>The count's condition over one item, in the process (null: only the engine computes this measure).</summary>
    public FeedbackCount? Counts { get; init; }
}

/// <summary>An expression over other base measures of the same group and bucket, for what a formula cannot read from a
/// sum directly (the sorted histogram behind the percentiles).</summary>
public sealed record DerivedMeasure(string Name, string Meaning, string Sql) : BaseMeasure(Name, Meaning)
{
    public override MetricFamily Family => MetricFamily.Dossiers;
}
