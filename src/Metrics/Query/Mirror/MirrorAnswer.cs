using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Query.Evaluation;

namespace ReformMetrics.Metrics.Query.Mirror;

/// <summary>
/// The month rows of a question (<see cref="KpiSql.MonthRows"/>: summed by the selection's groups, the channel and the
/// month, months before the first bucket folded into one) computed from the mirror instead of by the engine: the same
/// table (kpi_monthly for the monthly source, kpi_daily for the daily one), the same filters, the same sums.
/// </summary>
internal static class MirrorAnswer
{
    /// <summary>The grain that answers a question, or null when none does (a procedure, or an agency with a sector or the
    /// histogram: the agencies grain keeps neither).</summary>
    public static MirrorGrain? GrainFor(Selection selection, KpiSource source, bool histogram)
    {
        var dimensions = selection.GroupBy.Concat(Enum.GetValues<Dimension>().Where(d => selection.Filter(d).Count > 0)).ToHashSet();
        if (dimensions.Contains(Dimension.Procedure))
        {
            return null;
        }

        if (source == KpiSource.Daily)
        {
            return dimensions.Contains(Dimension.Sector) || histogram ? null : MirrorGrain.Agencies;
        }

        return dimensions.Contains(Dimension.Agency) ? null
            : dimensions.Contains(Dimension.Level) || dimensions.Contains(Dimension.Sector) ? MirrorGrain.Sectors
            : MirrorGrain.Provinces;
    }

    /// <summary>The answers to a question from the mirror's rows: each row's sums added straight into its group's measures
    /// for every bucket it counts in (<see cref="InProcessAnswer.Counts(DossierMeasure, string, DateOnly, DateOnly, DateOnly)"/>,
    /// the conditions the month rows of a statement are summed by), then the catalogue's formulas. The same sums as summing
    /// the month rows first (integers), without making them: a breakdown by agency reads tens of thousands of rows.</summary>
    public static List<(string[] Keys, string Tag, DateOnly Start, Dictionary<MetricDefinition, double?> Values)> Evaluate(
        MirrorState state, MirrorGrain grain, Selection selection, IReadOnlyList<Bucket> buckets, IReadOnlyList<MetricDefinition> metrics,
        IReadOnlyList<BaseMeasure> needed)
    {
        var measures = needed.OfType<DossierMeasure>().ToArray();
        var columnOf = measures.Select(m => m.Column.IsMap ? -1 : IndexOf(m.Column)).ToArray();
        var histogram = columnOf.Contains(-1);
        Dictionary<Group, Slot> groups;
        state.Lock.EnterReadLock();
        try
        {
            groups = Sum(state, state.Grains[(int)grain], selection, buckets, measures, columnOf, histogram);
        }
        finally
        {
            state.Lock.ExitReadLock();
        }

        var names = state.Names;
        var keyed = selection.GroupBy.Count;
        var answers = new List<(string[], string, DateOnly, Dictionary<MetricDefinition, double?>)>();
        foreach (var (group, slot) in groups)
        {
            var keys = group.Values.Take(keyed).Select(n => names[n]).ToArray();
            for (var b = 0; b < buckets.Count; b++)
            {
                // As the engine's statement: a group is answered in a bucket when it has a row up to the bucket's end.
                if (!slot.Seen[b])
                {
                    continue;
                }

                var values = new Dictionary<string, object?>(measures.Length, StringComparer.Ordinal);
                for (var m = 0; m < measures.Length; m++)
                {
                    values[measures[m].Name] = columnOf[m] >= 0 ? slot.Totals[(b * measures.Length) + m] : slot.Histograms![b];
                }

                answers.Add((keys, buckets[b].Tag, buckets[b].Period.Start, InProcessAnswer.Metrics(values, metrics)));
            }
        }

        return answers;
    }

    private static Dictionary<Group, Slot> Sum(
        MirrorState state, GrainRows grain, Selection selection, IReadOnlyList<Bucket> buckets, DossierMeasure[] measures, int[] columnOf, bool histogram)
    {
        var names = state.Names;
        var last = buckets.Max(b => b.Period.End).DayNumber;
        // The months before the first bucket count only in the stocks, the same in every bucket: dated the day before it
        // (KpiSql.MonthRows folds them into one row so).
        var fold = buckets.Min(b => b.Period.Start).AddDays(-1).DayNumber;
        var filters = new MirrorFilters(names, selection);

        // Which measures of which bucket a row of a channel and (folded) month counts in: a few dozen pairs a question.
        var counted = new Dictionary<(int Channel, int Month), bool[]>();
        bool[] Counted(int channel, int month)
        {
            if (!counted.TryGetValue((channel, month), out var mask))
            {
                mask = new bool[buckets.Count * measures.Length];
                var day = DateOnly.FromDayNumber(month);
                for (var b = 0; b < buckets.Count; b++)
                {
                    for (var m = 0; m < measures.Length; m++)
                    {
                        mask[(b * measures.Length) + m] = InProcessAnswer.Counts(measures[m], names[channel], day, buckets[b].Period.Start, buckets[b].Period.End);
                    }
                }

                counted[(channel, month)] = mask;
            }

            return mask;
        }

        var keyed = selection.GroupBy.ToArray();
        var histogramAt = Array.IndexOf(columnOf, -1);
        var groups = new Dictionary<Group, Slot>();
        foreach (var (province, rows) in filters.Holders(grain.Provinces, grain.Within2008))
        {
            for (var i = 0; i < rows.Keys.Count; i++)
            {
                var key = rows.Keys[i];
                if (key.Month > last
                    || !filters.Keeps2008(key.Province2008)
                    || (filters.Levels is { } levels && !levels.Contains(key.Level))
                    || (filters.Sectors is { } sectors && !sectors.Contains(key.Sector))
                    || (filters.Agencies is { } agencies && !agencies.Contains(key.Agency))
                    || (filters.Channels is { } channels && !channels.Contains(key.Channel)))
                {
                    continue;
                }

                var group = new Group(
                    keyed.Length > 0 ? Value(keyed[0], key, province, selection.Geo) : -1,
                    keyed.Length > 1 ? Value(keyed[1], key, province, selection.Geo) : -1,
                    keyed.Length > 2 ? Value(keyed[2], key, province, selection.Geo) : -1,
                    keyed.Length > 3 ? Value(keyed[3], key, province, selection.Geo) : -1,
                    keyed.Length > 4 ? Value(keyed[4], key, province, selection.Geo) : -1);
                if (!groups.TryGetValue(group, out var slot))
                {
                    groups[group] = slot = new Slot(buckets.Count, measures.Length, histogram);
                }

                var month = Math.Max(key.Month, fold);
                var mask = Counted(key.Channel, month);
                var sums = rows.Sums(i);
                var pairs = histogram ? rows.Histogram(i) : null;
                for (var b = 0; b < buckets.Count; b++)
                {
                    slot.Seen[b] |= month <= buckets[b].Period.End.DayNumber;
                    for (var m = 0; m < measures.Length; m++)
                    {
                        if (!mask[(b * measures.Length) + m])
                        {
                            continue;
                        }

                        if (columnOf[m] >= 0)
                        {
                            slot.Totals[(b * measures.Length) + m] = unchecked(slot.Totals[(b * measures.Length) + m] + sums[columnOf[m]]);
                        }
                        else if (pairs is not null && m == histogramAt)
                        {
                            // Equal keys add up, as sumMap adds them.
                            var into = slot.Histograms![b];
                            for (var p = 0; p < pairs.Length; p += 2)
                            {
                                into[pairs[p]] = unchecked(into.GetValueOrDefault(pairs[p]) + pairs[p + 1]);
                            }
                        }
                    }
                }
            }
        }

        return groups;
    }

    private static int IndexOf(Store.Refresh.PreAggregateColumn column)
    {
        for (var i = 0; i < MirrorColumns.Plain.Count; i++)
        {
            if (MirrorColumns.Plain[i] == column)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"The mirror holds no column {column.Name}.");
    }

    private static int Value(Dimension dimension, RowKey key, int province2025, int geo) => dimension switch
    {
        Dimension.Province => geo == 2008 ? key.Province2008 : province2025,
        Dimension.Sector => key.Sector,
        Dimension.Agency => key.Agency,
        Dimension.Level => key.Level,
        Dimension.Channel => key.Channel,
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "The mirror holds no procedure."),
    };

    /// <summary>The values of up to five grouping dimensions (a selection groups by at most five of them here).</summary>
    private readonly record struct Group(int A, int B, int C, int D, int E)
    {
        public int[] Values => [A, B, C, D, E];
    }

    /// <summary>A group's measures for every bucket (bucket-major), whether it has a row up to each bucket's end, and the
    /// histogram of each bucket when one is read.</summary>
    private sealed class Slot(int buckets, int measures, bool histogram)
    {
        public long[] Totals { get; } = new long[buckets * measures];

        public bool[] Seen { get; } = new bool[buckets];

        public SortedDictionary<long, long>[]? Histograms { get; } = histogram ? Enumerable.Range(0, buckets).Select(_ => new SortedDictionary<long, long>()).ToArray() : null;
    }
}
