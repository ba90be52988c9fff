using System.Collections;
using System.Data.Common;
using System.Globalization;
using ReformMetrics.Metrics.Catalogue;

namespace ReformMetrics.Metrics.Query.Evaluation;

/// <summary>
/// The dossier metrics of a question over whole months, computed in this process from the pre-aggregates' rows by month
/// (<see cref="KpiSql.MonthRows"/>): each base measure is summed per group and bucket as its declaration says
/// (<see cref="DossierMeasure.Timing"/>, <see cref="DossierMeasure.Channel"/>, as <see cref="Measures.OverAggregates"/>
/// renders it for the engine), then the catalogue's formulas are evaluated over them (<see cref="FormulaParser"/>).
/// </summary>
/// <remarks>
/// Why: an uncached page's cost is the engine's analysis of its statement, not the rows (issue 20: about 20 ms of engine
/// CPU for the overview's conditional sums and formulas, whatever the data, against about 3 ms for the plain sums this
/// reads). The formulas stay one definition each; the engine remains the reference, and tests compare both on every
/// metric, grouping, source and geography.
/// </remarks>
internal static class InProcessAnswer
{
    /// <summary>Whether a question can be answered here: month rows exist for its source and buckets, and every dossier
    /// formula it computes is in the subset the parser knows.</summary>
    public static bool Applies(KpiSource source, IReadOnlyList<Bucket> buckets, IEnumerable<MetricDefinition> metrics) =>
        (source == KpiSource.Monthly || (source == KpiSource.Daily && buckets.All(b => b.Period.IsWholeMonths)))
        && metrics.All(Parses);

    private static readonly Dictionary<string, bool> ParsesCache = new(StringComparer.Ordinal);

    private static bool Parses(MetricDefinition metric)
    {
        lock (ParsesCache)
        {
            if (!ParsesCache.TryGetValue(metric.Key, out var parses))
            {
                try
                {
                    FormulaParser.Parse(metric.Sql);
                    foreach (var derived in BaseMeasures.Needed([metric]).OfType<DerivedMeasure>())
                    {
                        FormulaParser.Parse(derived.Sql);
                    }

                    parses = true;
                }
                catch (NotSupportedException)
                {
                    parses = false;
                }

                ParsesCache[metric.Key] = parses;
            }

            return parses;
        }
    }

    /// <summary>A row of <see cref="KpiSql.MonthRows"/>.</summary>
    private sealed record MonthRow(string[] Keys, string Channel, DateOnly Month, Dictionary<string, object> Columns);

    /// <summary>Reads the month rows and answers every group and bucket that has rows up to the bucket's end (as the engine's
    /// statement does), with the values of <paramref name="metrics"/>.</summary>
    public static async Task<List<(string[] Keys, string Tag, DateOnly Start, Dictionary<MetricDefinition, double?> Values)>> EvaluateAsync(
        DbDataReader reader, Selection selection, IReadOnlyList<Bucket> buckets, IReadOnlyList<MetricDefinition> metrics, CancellationToken cancellationToken)
    {
        var measures = BaseMeasures.Needed(metrics);
        var columns = measures.OfType<DossierMeasure>().Select(m => m.Column).Distinct().ToList();
        var keyColumns = selection.GroupBy.Select(d => reader.GetOrdinal(KpiSql.RawColumn(d, selection.Geo))).ToArray();
        var (channel, month) = (reader.GetOrdinal("channel"), reader.GetOrdinal("t"));
        var columnOrdinals = columns.Select(c => (c.Name, Ordinal: reader.GetOrdinal(c.Name), c.IsMap)).ToList();
        var rows = new List<MonthRow>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new MonthRow(
                keyColumns.Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture) ?? string.Empty).ToArray(),
                Convert.ToString(reader.GetValue(channel), CultureInfo.InvariantCulture) ?? string.Empty,
                DateOnly.FromDateTime(Convert.ToDateTime(reader.GetValue(month), CultureInfo.InvariantCulture)),
                columnOrdinals.ToDictionary(c => c.Name, c => c.IsMap ? (object)ToMap(reader.GetValue(c.Ordinal)) : Convert.ToInt64(reader.GetValue(c.Ordinal), CultureInfo.InvariantCulture), StringComparer.Ordinal)));
        }

        var answers = new List<(string[], string, DateOnly, Dictionary<MetricDefinition, double?>)>();
        foreach (var group in rows.GroupBy(r => string.Join('\u001F', r.Keys), StringComparer.Ordinal))
        {
            var groupRows = group.ToList();
            foreach (var bucket in buckets)
            {
                var (start, end) = (bucket.Period.Start, bucket.Period.End);
                if (!groupRows.Any(r => r.Month <= end))
                {
                    continue;
                }

                var values = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var measure in measures.OfType<DossierMeasure>())
                {
                    var counted = groupRows.Where(r => Counts(measure, r, start, end)).Select(r => r.Columns[measure.Column.Name]);
                    values[measure.Name] = measure.Column.IsMap ? SumMaps(counted) : counted.Aggregate(0L, (sum, v) => unchecked(sum + (long)v));
                }

                answers.Add((groupRows[0].Keys, bucket.Tag, start, Metrics(values, metrics)));
            }
        }

        return answers;
    }

    /// <summary>Whether a month row counts in a measure for the bucket [start, end]: the same conditions as
    /// <see cref="Measures.OverAggregates"/> gives the engine.</summary>
    private static bool Counts(DossierMeasure measure, MonthRow row, DateOnly start, DateOnly end) =>
        (measure.Channel is null || row.Channel == measure.Channel) && measure.Timing switch
        {
            Timing.InPeriod => row.Month >= start && row.Month <= end,
            Timing.AtEnd => row.Month <= end,
            _ => row.Month < start,
        };

    /// <summary>The metrics over the bucket's base measures: each formula evaluated once, reading the base measures, the
    /// derived measures and the other metrics by name (a count is read as Int64, as the engine's statement casts it).</summary>
    private static Dictionary<MetricDefinition, double?> Metrics(Dictionary<string, object?> values, IReadOnlyList<MetricDefinition> metrics)
    {
        object? Resolve(string name)
        {
            if (values.TryGetValue(name, out var known))
            {
                return known;
            }

            object? value;
            if (MetricCatalogue.TryGet(name, out var metric))
            {
                value = FormulaParser.Parse(metric.Sql).Evaluate(new FormulaScope(Resolve));
                if (metric.Unit == MetricUnit.Count && value is double d)
                {
                    value = (long)Math.Truncate(d);
                }
            }
            else
            {
                var derived = BaseMeasures.All.OfType<DerivedMeasure>().FirstOrDefault(m => m.Name == name)
                    ?? throw new InvalidOperationException($"A formula reads {name}, which is neither a metric nor a measure of this question.");
                value = FormulaParser.Parse(derived.Sql).Evaluate(new FormulaScope(Resolve));
            }

            values[name] = value;
            return value;
        }

        var answer = new Dictionary<MetricDefinition, double?>(ReferenceEqualityComparer.Instance);
        foreach (var metric in metrics)
        {
            answer[metric] = Resolve(metric.Key) is { } value ? Numbers.ToDouble(value) : null;
        }

        return answer;
    }

    private static SortedDictionary<long, long> ToMap(object value)
    {
        var map = new SortedDictionary<long, long>();
        foreach (DictionaryEntry entry in (IDictionary)value)
        {
            map[Convert.ToInt64(entry.Key, CultureInfo.InvariantCulture)] = Convert.ToInt64(entry.Value, CultureInfo.InvariantCulture);
        }

        return map;
    }

    // Equal keys add up, as sumMap adds them.
    private static SortedDictionary<long, long> SumMaps(IEnumerable<object> maps)
    {
        var sum = new SortedDictionary<long, long>();
        foreach (SortedDictionary<long, long> map in maps)
        {
            foreach (var (key, value) in map)
            {
                sum[key] = unchecked(sum.GetValueOrDefault(key) + value);
            }
        }

        return sum;
    }
}
