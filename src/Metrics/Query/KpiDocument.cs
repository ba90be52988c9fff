using System.Globalization;
using System.Text.Json;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Targets;

namespace ReformMetrics.Metrics.Query;

/// <summary>
/// The JSON of a metrics answer, the same from <c>GET /api/kpi</c> and <c>reform kpi --json</c> (design.md): an array with
/// one object per group holding the group keys (codes and names), the period (key, label, from, to), every metric key of
/// the catalogue (counts as integers, rates as fractions at full precision, null where undefined: rounding belongs to
/// whoever displays them), the instant the figures are complete up to (data_as_of: ISO 8601 in Vietnam time with its offset,
/// null when the data was never refreshed), the comparisons when asked for (previous, year_ago, change_from_previous,
/// change_from_year_ago) and the targets that apply.
/// </summary>
public static class KpiDocument
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static IReadOnlyList<Dictionary<string, object?>> Build(Selection selection, KpiResult result, TargetService.TargetBook? targets)
    {
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(result);
        return result.Groups.Select(g =>
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (key, value) in Keys(g.Keys))
            {
                row[key] = value;
            }

            row["period"] = g.Period.Key;
            row["period_label"] = g.Period.Label;
            row["from"] = g.Period.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            row["to"] = g.Period.End.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            row["geo"] = selection.Geo;
            // The instant the figures are complete up to (every event accepted before it is counted), or null.
            row["data_as_of"] = MetricFormat.AsOfIso(result.DataAsOf);
            foreach (var (key, value) in Values(g.Values))
            {
                row[key] = value;
            }

            if (g.Previous is not null)
            {
                row["previous"] = Values(g.Previous);
                row["year_ago"] = g.YearAgo is null ? null : Values(g.YearAgo);
                row["change_from_previous"] = MetricCatalogue.All.ToDictionary(m => m.Key, g.ChangeFromPrevious, StringComparer.Ordinal);
                row["change_from_year_ago"] = g.YearAgo is null ? null : MetricCatalogue.All.ToDictionary(m => m.Key, g.ChangeFromYearAgo, StringComparer.Ordinal);
            }

            row["targets"] = targets is null ? new Dictionary<string, TargetCheck>(StringComparer.Ordinal) : Targets(targets, selection, g);
            return row;
        }).ToList();
    }

    /// <summary>A group's keys as the document writes them: each dimension's code under its name (province), and the
    /// code's name, where there is one, beside it (province_name).</summary>
    public static Dictionary<string, string> Keys(IReadOnlyList<GroupKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var written = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var name = Selection.KeyName(key.Dimension);
            written[name] = key.Code;
            if (key.Name is not null)
            {
                written[name + "_name"] = key.Name;
            }
        }

        return written;
    }

    public static object Describe(Period period)
    {
        ArgumentNullException.ThrowIfNull(period);
        return new
        {
            key = period.Key,
            label = period.Label,
            from = period.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            to = period.End.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
    }

    private static Dictionary<string, object?> Values(MetricValues values) =>
        MetricCatalogue.All.ToDictionary(m => m.Key, m => Value(m, values[m]), StringComparer.Ordinal);

    // Counts are whole numbers in ClickHouse; they are written without a fraction so that scripts read them as integers.
    private static object? Value(MetricDefinition metric, double? value) => value switch
    {
        null => null,
        { } v when metric.Unit == MetricUnit.Count => (long)Math.Round(v),
        { } v => v,
    };

    private static Dictionary<string, TargetCheck> Targets(TargetService.TargetBook book, Selection selection, KpiGroup group)
    {
        var province = group.Keys.FirstOrDefault(k => k.Dimension == Dimension.Province)?.Code ?? (selection.Provinces.Count == 1 ? selection.Provinces[0] : null);
        var sectors = group.Keys.FirstOrDefault(k => k.Dimension == Dimension.Sector) is { } sector ? [sector.Code] : selection.Sectors;
        var checks = new Dictionary<string, TargetCheck>(StringComparer.Ordinal);
        foreach (var metric in MetricCatalogue.All)
        {
            if (book.For(metric, selection.Geo, province, sectors, group[metric]) is { } check)
            {
                checks[metric.Key] = check;
            }
        }

        return checks;
    }
}
