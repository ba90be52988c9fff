using System.Collections;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;

namespace ReformMetrics.Metrics.Query;

/// <summary>The value of every metric of the catalogue for one group and period, read by the metric's definition (null
/// where undefined: a zero denominator, or a family the selection does not apply to).</summary>
public sealed class MetricValues : IEnumerable<KeyValuePair<MetricDefinition, double?>>
{
    // Each metric's place in the catalogue: the values are an array by that place (an answer by agency holds hundreds of
    // groups, each with three sets of values; dictionaries of 40 entries made most of its garbage).
    private static readonly Dictionary<MetricDefinition, int> Places = PlacesOf(MetricCatalogue.All);

    private readonly double?[] _values = new double?[MetricCatalogue.All.Count];
    private readonly bool[] _held = new bool[MetricCatalogue.All.Count];

    public MetricValues(IEnumerable<KeyValuePair<MetricDefinition, double?>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var (metric, value) in values)
        {
            var place = Places[metric];
            (_values[place], _held[place]) = (value, true);
        }
    }

    private MetricValues()
    {
    }

    private static Dictionary<MetricDefinition, int> PlacesOf(IReadOnlyList<MetricDefinition> metrics)
    {
        var places = new Dictionary<MetricDefinition, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < metrics.Count; i++)
        {
            places[metrics[i]] = i;
        }

        return places;
    }

    /// <summary>Every metric of the catalogue from a function of its definition.</summary>
    public static MetricValues Of(Func<MetricDefinition, double?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var values = new MetricValues();
        for (var i = 0; i < MetricCatalogue.All.Count; i++)
        {
            (values._values[i], values._held[i]) = (value(MetricCatalogue.All[i]), true);
        }

        return values;
    }

    public double? this[MetricDefinition metric] => Places.TryGetValue(metric, out var place) ? _values[place] : null;

    public IEnumerator<KeyValuePair<MetricDefinition, double?>> GetEnumerator() =>
        Enumerable.Range(0, _values.Length).Where(i => _held[i]).Select(i => KeyValuePair.Create(MetricCatalogue.All[i], _values[i])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>What a group of an answer is keyed by in one dimension: the code and, where the reference tables have one, its name.</summary>
public sealed record GroupKey(Dimension Dimension, string Code, string? Name);

/// <summary>One row of an answer: its group keys (one per grouping dimension, in the selection's order), its period,
/// every metric's value, and the same metrics for the previous period and the same period a year earlier when asked for.</summary>
public sealed record KpiGroup(
    IReadOnlyList<GroupKey> Keys,
    Period Period,
    MetricValues Values,
    MetricValues? Previous = null,
    MetricValues? YearAgo = null)
{
    public double? this[MetricDefinition metric] => Values[metric];

    /// <summary>The group's key in a dimension the answer is grouped by; asking for another is a mistake of the caller.</summary>
    public GroupKey Key(Dimension dimension) => Keys.FirstOrDefault(k => k.Dimension == dimension)
        ?? throw new InvalidOperationException($"The answer is not grouped by {dimension}.");

    /// <summary>The group's code in a dimension the answer is grouped by.</summary>
    public string Code(Dimension dimension) => Key(dimension).Code;

    /// <summary>The name of the group's code from the reference tables (null where they have none).</summary>
    public string? Name(Dimension dimension) => Key(dimension).Name;

    /// <summary>What to call the group in a dimension: the name of its code, or the code where there is no name.</summary>
    public string Label(Dimension dimension) => Key(dimension) is var key && key.Name is { } name ? name : key.Code;

    /// <summary>A metric's change since the previous period (null when no comparison was asked for).</summary>
    public Change? ChangeFromPrevious(MetricDefinition metric) => Previous is null ? null : Change.Between(Values[metric], Previous[metric]);

    /// <summary>A metric's change since the same period a year earlier.</summary>
    public Change? ChangeFromYearAgo(MetricDefinition metric) => YearAgo is null ? null : Change.Between(Values[metric], YearAgo[metric]);
}

public sealed record KpiResult(Selection Selection, KpiSource Source, IReadOnlyList<KpiGroup> Groups)
{
    /// <summary>The instant the figures are complete up to: every event accepted before it is counted (the dossier
    /// state's refresh watermark, <see cref="DataVersion.AsOf"/>); null when the data was never refreshed.</summary>
    public DateTimeOffset? DataAsOf { get; init; }
}

/// <summary>The change of a metric against a comparison period: the difference (for a rate, in fractions: 0.0125 is
/// 1.25 points) and the percent change of the earlier value (null when that is 0 or undefined).</summary>
public readonly record struct Change(
    [property: System.Text.Json.Serialization.JsonPropertyName("difference")] double? Difference,
    [property: System.Text.Json.Serialization.JsonPropertyName("percent")] double? Percent)
{
    public static Change Between(double? current, double? earlier) =>
        current is { } c && earlier is { } e ? new Change(c - e, e == 0 ? null : (c - e) / Math.Abs(e)) : new Change(null, null);
}
