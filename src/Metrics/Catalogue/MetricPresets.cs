namespace ReformMetrics.Metrics.Catalogue;

/// <summary>A named choice of metrics that a screen or document shows, in the order it shows them.</summary>
public sealed record MetricPreset(string Name, string Purpose, IReadOnlyList<MetricDefinition> Metrics);

/// <summary>
/// The metric lists the screens and documents share, defined once here rather than as key lists in each of them (the
/// copies had drifted). A screen that shows a subset takes a preset; one that shows everything reads
/// <see cref="MetricCatalogue.All"/>.
/// </summary>
public static class MetricPresets
{
    /// <summary>The figures of the dashboard's cards and of `reform kpi`'s grouped table.</summary>
    public static MetricPreset Headline { get; } = new("headline", "the headline figures of a selection",
    [
        MetricCatalogue.ReceivedTotal, MetricCatalogue.ResolvedTotal, MetricCatalogue.OnTimeRate, MetricCatalogue.InProgressOverdue,
        MetricCatalogue.OnlineShare, MetricCatalogue.PostalShare, MetricCatalogue.SatisfactionIndex,
    ]);

    /// <summary>The columns of a breakdown table (by level, sector, channel or agency) on the province page.</summary>
    public static MetricPreset Breakdown { get; } = new("breakdown", "the columns of a breakdown by unit",
    [
        MetricCatalogue.ReceivedTotal, MetricCatalogue.ResolvedTotal, MetricCatalogue.OnTimeRate, MetricCatalogue.ResolvedOverdue,
        MetricCatalogue.InProgressOverdue, MetricCatalogue.OnlineShare,
    ]);

    /// <summary>The bulletin's table of figures, with the comparisons and targets of each.</summary>
    public static MetricPreset Bulletin { get; } = new("bulletin", "the figures of the periodic bulletin",
    [
        MetricCatalogue.ReceivedTotal, MetricCatalogue.ReceivedNew, MetricCatalogue.ResolvedTotal, MetricCatalogue.OnTimeRate,
        MetricCatalogue.OnTimeRateOfReceived, MetricCatalogue.EarlyRate, MetricCatalogue.OverdueRate, MetricCatalogue.InProgressOverdue, MetricCatalogue.ApologyRate,
        MetricCatalogue.OnlineShare, MetricCatalogue.PostalShare, MetricCatalogue.OnlinePaymentShare, MetricCatalogue.SatisfactionIndex,
        MetricCatalogue.ProcessingDaysMedian, MetricCatalogue.FeedbackOnTimeRate,
    ]);

    /// <summary>The counts the official form "Tình hình, kết quả giải quyết TTHC" is filled from.</summary>
    public static MetricPreset Form { get; } = new("form", "the counts of the official results form",
    [
        MetricCatalogue.ReceivedTotal, MetricCatalogue.ReceivedOnline, MetricCatalogue.ReceivedDirect, MetricCatalogue.ReceivedPostal,
        MetricCatalogue.CarriedOver, MetricCatalogue.ResolvedTotal, MetricCatalogue.ResolvedEarly, MetricCatalogue.ResolvedOnTime,
        MetricCatalogue.ResolvedOverdue, MetricCatalogue.Withdrawn, MetricCatalogue.InProgress, MetricCatalogue.InProgressWithinDeadline,
        MetricCatalogue.InProgressOverdue,
    ]);

    public static IReadOnlyList<MetricPreset> All { get; } = [Headline, Breakdown, Bulletin, Form];
}
