namespace ReformMetrics.Metrics.Catalogue;

/// <summary>A feedback item (a row of v_feedback) as the in-process form of the feedback measures reads it: the days, in
/// Vietnam's time, it was received (<c>rd</c>) and resolved (<c>toDate(resolved_at)</c>, null while pending).</summary>
public readonly record struct FeedbackItem(DateOnly Received, DateOnly? Resolved)
{
    /// <summary><c>rd &gt;= bs AND rd &lt;= be</c>.</summary>
    public bool ReceivedIn(DateOnly bs, DateOnly be) => Received >= bs && Received <= be;

    /// <summary><see cref="BaseMeasures.FeedbackResolvedBy"/>: <c>ifNull(toDate(resolved_at) &lt;= day, 0)</c>.</summary>
    public bool ResolvedBy(DateOnly day) => Resolved is { } resolved && resolved <= day;
}

/// <summary>
/// The store's working-day index (the first array of v_calendar's <c>cal</c>, one entry a day from 2015-01-01), read the
/// way the SQL functions read it: <see cref="Between"/> is <c>reform_working_days_between</c>, null outside the calendar as
/// the function's NULL (a comparison with null is false in C#, as a NULL condition is not counted by countIf).
/// </summary>
public sealed class WorkdayIndex(IReadOnlyList<long> index)
{
    public static readonly DateOnly First = new(2015, 1, 1);

    /// <summary>Working days in [a, b); negative when b is before a; null when either day is outside the calendar.</summary>
    public int? Between(DateOnly a, DateOnly b) => At(b) - At(a);

    private int? At(DateOnly day) => day.DayNumber - First.DayNumber is var position && position >= 0 && position < index.Count ? (int)index[position] : null;
}

/// <summary>The in-process form of a feedback measure: whether an item counts in it for the bucket [bs, be].</summary>
public delegate bool FeedbackCount(FeedbackItem item, DateOnly bs, DateOnly be, WorkdayIndex calendar);
