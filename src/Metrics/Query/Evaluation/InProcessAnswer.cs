using System.Collections;
using System.Collections.Concurrent;
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
/// Why: an uncached page's cost is mostly the engine's work on its statements, and the conditional sums and formulas were
/// half of it (`reform bench pages` on the 300,000-dossier demo store: 36 ms of engine CPU for the overview with the
/// engine's formulas, 18 ms with these; on an empty store the overview's statement costs 24–31 ms, its plain sums 5 ms).
/// The formulas stay one definition each; the engine remains the reference, and tests compare both on every metric,
/// grouping, source and geography.
/// </remarks>
internal static class InProcessAnswer
{
    /// <summary>Whether a question can be answered here: month rows exist for its source and buckets, and every dossier
    /// formula it computes is in the subset the parser knows.</summary>
    public static bool Applies(KpiSource source, IReadOnlyList<Bucket> buckets, IEnumerable<MetricDefinition> metrics) =>
        (source == KpiSource.Monthly || (source == KpiSource.Daily && buckets.All(b => b.Period.IsWholeMonths)))
        && Parse(metrics);

    /// <summary>Whether every formula of <paramref name="metrics"/> is in the parser's subset.</summary>
    public static bool Parse(IEnumerable<MetricDefinition> metrics) => metrics.All(Parses);

    // Whether each metric's formula (and the derived measures it reads) is in the parser's subset, found once.
    private static readonly ConcurrentDictionary<string, bool> ParsesCache = new(StringComparer.Ordinal);

    private static bool Parses(MetricDefinition metric) => ParsesCache.GetOrAdd(metric.Key, _ =>
    {
        try
        {
            FormulaParser.Parse(metric.Sql);
            foreach (var derived in BaseMeasures.Needed([metric]).OfType<DerivedMeasure>())
            {
                FormulaParser.Parse(derived.Sql);
            }

            return true;
        }
        catch (NotSupportedException)
        {
            return false;
        }
    });

    /// <summary>A row of <see cref="KpiSql.MonthRows"/> (or of the rollup mirror): its group, channel and month, the sums of
    /// the plain columns (in the order of the columns the reader of the rows names) and the histogram when one is read.</summary>
    internal sealed record MonthRow(string Group, string[] Keys, string Channel, DateOnly Month, long[] Sums, SortedDictionary<long, long>? Histogram);

    /// <summary>Reads the month rows and answers every group and bucket that has rows up to the bucket's end (as the engine's
    /// statement does), with the values of <paramref name="metrics"/>, which read <paramref name="needed"/>
    /// (<see cref="BaseMeasures.Needed"/>, as the statement was made for).</summary>
    public static async Task<List<(string[] Keys, string Tag, DateOnly Start, Dictionary<MetricDefinition, double?> Values)>> EvaluateAsync(
        DbDataReader reader, Selection selection, IReadOnlyList<Bucket> buckets, IReadOnlyList<MetricDefinition> metrics, IReadOnlyList<BaseMeasure> needed,
        CancellationToken cancellationToken)
    {
        var measures = needed.OfType<DossierMeasure>().ToList();
        var sums = measures.Select(m => m.Column).Where(c => !c.IsMap).Distinct().ToList();
        var histogram = measures.Select(m => m.Column).FirstOrDefault(c => c.IsMap);
        var keyOrdinals = selection.GroupBy.Select(d => reader.GetOrdinal(KpiSql.RawColumn(d, selection.Geo))).ToArray();
        var (channel, month) = (reader.GetOrdinal("channel"), reader.GetOrdinal("t"));
        var sumOrdinals = sums.Select(c => reader.GetOrdinal(c.Name)).ToArray();
        var histogramOrdinal = histogram is null ? -1 : reader.GetOrdinal(histogram.Name);
        var rows = new List<MonthRow>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var keys = new string[keyOrdinals.Length];
            for (var i = 0; i < keys.Length; i++)
            {
                keys[i] = Convert.ToString(reader.GetValue(keyOrdinals[i]), CultureInfo.InvariantCulture) ?? string.Empty;
            }

            var values = new long[sumOrdinals.Length];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = Convert.ToInt64(reader.GetValue(sumOrdinals[i]), CultureInfo.InvariantCulture);
            }

            rows.Add(new MonthRow(string.Join('\u001F', keys), keys, Convert.ToString(reader.GetValue(channel), CultureInfo.InvariantCulture) ?? string.Empty,
                DateOnly.FromDateTime(Convert.ToDateTime(reader.GetValue(month), CultureInfo.InvariantCulture)), values,
                histogramOrdinal < 0 ? null : ToMap(reader.GetValue(histogramOrdinal))));
        }

        return Evaluate(rows, sums, buckets, metrics, needed);
    }

    /// <summary>Answers every group and bucket that has rows up to the bucket's end from month rows whose sums follow
    /// <paramref name="sumColumns"/>.</summary>
    public static List<(string[] Keys, string Tag, DateOnly Start, Dictionary<MetricDefinition, double?> Values)> Evaluate(
        IReadOnlyList<MonthRow> rows, IReadOnlyList<Store.Refresh.PreAggregateColumn> sumColumns, IReadOnlyList<Bucket> buckets,
        IReadOnlyList<MetricDefinition> metrics, IReadOnlyList<BaseMeasure> needed)
    {
        var measures = needed.OfType<DossierMeasure>().ToList();
        // Each measure reads one plain column (its index in a row's sums) or the histogram.
        var columnOf = measures.Select(m => m.Column.IsMap ? -1 : IndexOf(sumColumns, m.Column)).ToArray();
        var answers = new List<(string[], string, DateOnly, Dictionary<MetricDefinition, double?>)>();
        foreach (var group in rows.GroupBy(r => r.Group, StringComparer.Ordinal))
        {
            var groupRows = group.ToList();
            foreach (var bucket in buckets)
            {
                var (start, end) = (bucket.Period.Start, bucket.Period.End);
                if (!groupRows.Exists(r => r.Month <= end))
                {
                    continue;
                }

                var totals = new long[measures.Count];
                var histograms = new SortedDictionary<long, long>();
                foreach (var row in groupRows)
                {
                    for (var m = 0; m < measures.Count; m++)
                    {
                        if (!Counts(measures[m], row, start, end))
                        {
                            continue;
                        }

                        if (columnOf[m] >= 0)
                        {
                            totals[m] = unchecked(totals[m] + row.Sums[columnOf[m]]);
                        }
                        else if (row.Histogram is { } rowHistogram)
                        {
                            // Equal keys add up, as sumMap adds them.
                            foreach (var (key, value) in rowHistogram)
                            {
                                histograms[key] = unchecked(histograms.GetValueOrDefault(key) + value);
                            }
                        }
                    }
                }

                var values = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (var m = 0; m < measures.Count; m++)
                {
                    values[measures[m].Name] = columnOf[m] >= 0 ? totals[m] : histograms;
                }

                answers.Add((groupRows[0].Keys, bucket.Tag, start, Metrics(values, metrics)));
            }
        }

        return answers;
    }

    private static int IndexOf(IReadOnlyList<Store.Refresh.PreAggregateColumn> columns, Store.Refresh.PreAggregateColumn column)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (columns[i] == column)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"The month rows carry no column {column.Name}.");
    }

    /// <summary>Whether a month row counts in a measure for the bucket [start, end]: the same conditions as
    /// <see cref="Measures.OverAggregates"/> gives the engine.</summary>
    private static bool Counts(DossierMeasure measure, MonthRow row, DateOnly start, DateOnly end) => Counts(measure, row.Channel, row.Month, start, end);

    /// <summary>Whether the month row of <paramref name="channel"/> and <paramref name="month"/> counts in a measure for the
    /// bucket [start, end].</summary>
    internal static bool Counts(DossierMeasure measure, string channel, DateOnly month, DateOnly start, DateOnly end) =>
        (measure.Channel is null || channel == measure.Channel) && measure.Timing switch
        {
            Timing.InPeriod => month >= start && month <= end,
            Timing.AtEnd => month <= end,
            _ => month < start,
        };

    /// <summary>The metrics over the bucket's base measures: each formula evaluated once, reading the base measures, the
    /// derived measures and the other metrics by name (a count is read as Int64, as the engine's statement casts it).</summary>
    internal static Dictionary<MetricDefinition, double?> Metrics(Dictionary<string, object?> values, IReadOnlyList<MetricDefinition> metrics)
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
            else if (BaseMeasures.TryGet(name, out var measure) && measure is DerivedMeasure derived)
            {
                value = FormulaParser.Parse(derived.Sql).Evaluate(new FormulaScope(Resolve));
            }
            else
            {
                throw new InvalidOperationException($"A formula reads {name}, which is neither a metric nor a measure of this question.");
            }

            values[name] = value;
            return value;
        }

        var answer = new Dictionary<MetricDefinition, double?>(metrics.Count, ReferenceEqualityComparer.Instance);
        foreach (var metric in metrics)
        {
            answer[metric] = Resolve(metric.Key) is { } value ? Numbers.ToDouble(value) : null;
        }

        return answer;
    }

    /// <summary>A histogram as the driver reads a Map: its keys in order.</summary>
    internal static SortedDictionary<long, long> ToMap(object value)
    {
        var map = new SortedDictionary<long, long>();
        foreach (DictionaryEntry entry in (IDictionary)value)
        {
            map[Convert.ToInt64(entry.Key, CultureInfo.InvariantCulture)] = Convert.ToInt64(entry.Value, CultureInfo.InvariantCulture);
        }

        return map;
    }
}
