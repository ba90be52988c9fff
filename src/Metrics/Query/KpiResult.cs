using ReformMetrics.Metrics.Periods;

namespace ReformMetrics.Metrics.Query;

/// <summary>One row of an answer: its group keys (code and, where there is one, name), its period, the value of every
/// metric key (null where undefined: a zero denominator, or a family the selection does not apply to), and the same
/// metrics for the previous period and the same period a year earlier when asked for.</summary>
public sealed record KpiGroup(
    IReadOnlyDictionary<string, string> Keys,
    Period Period,
    IReadOnlyDictionary<string, double?> Values,
    IReadOnlyDictionary<string, double?>? Previous = null,
    IReadOnlyDictionary<string, double?>? YearAgo = null)
{
    public double? this[string key] => Values.TryGetValue(key, out var v) ? v : null;
}

public sealed record KpiResult(Selection Selection, KpiSource Source, IReadOnlyList<KpiGroup> Groups);

/// <summary>The change of a metric against a comparison period: in points (the difference) and in percent of the earlier value.</summary>
public readonly record struct Change(double? Difference, double? Percent)
{
    public static Change Between(double? current, double? earlier) =>
        current is { } c && earlier is { } e ? new Change(c - e, e == 0 ? null : (c - e) / Math.Abs(e)) : new Change(null, null);
}
