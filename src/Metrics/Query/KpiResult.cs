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

    /// <summary>Every metric's change since the previous period (null when no comparison was asked for).</summary>
    public IReadOnlyDictionary<string, Change>? ChangeFromPrevious => Changes(Previous);

    /// <summary>Every metric's change since the same period a year earlier.</summary>
    public IReadOnlyDictionary<string, Change>? ChangeFromYearAgo => Changes(YearAgo);

    private Dictionary<string, Change>? Changes(IReadOnlyDictionary<string, double?>? earlier) =>
        earlier?.ToDictionary(e => e.Key, e => Change.Between(this[e.Key], e.Value), StringComparer.Ordinal);
}

public sealed record KpiResult(Selection Selection, KpiSource Source, IReadOnlyList<KpiGroup> Groups);

/// <summary>The change of a metric against a comparison period: the difference (for a rate, in fractions: 0.0125 is
/// 1.25 points) and the percent change of the earlier value (null when that is 0 or undefined).</summary>
public readonly record struct Change(
    [property: System.Text.Json.Serialization.JsonPropertyName("difference")] double? Difference,
    [property: System.Text.Json.Serialization.JsonPropertyName("percent")] double? Percent)
{
    public static Change Between(double? current, double? earlier) =>
        current is { } c && earlier is { } e ? new Change(c - e, e == 0 ? null : (c - e) / Math.Abs(e)) : new Change(null, null);
}
