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

    public static List<InProcessAnswer.MonthRow> Rows(MirrorState state, MirrorGrain grain, Selection selection, IReadOnlyList<Bucket> buckets, bool histogram)
    {
        state.Lock.EnterReadLock();
        try
        {
            return Sum(state, state.Grains[(int)grain], selection, buckets, histogram);
        }
        finally
        {
            state.Lock.ExitReadLock();
        }
    }

    private static List<InProcessAnswer.MonthRow> Sum(MirrorState state, GrainRows grain, Selection selection, IReadOnlyList<Bucket> buckets, bool histogram)
    {
        var names = state.Names;
        var last = buckets.Max(b => b.Period.End).DayNumber;
        var fold = buckets.Min(b => b.Period.Start).AddDays(-1).DayNumber;
        // The filters as numbers; a code no row carries matches nothing.
        HashSet<int>? Numbers(Dimension dimension) => selection.Filter(dimension).Count == 0 ? null
            : selection.Filter(dimension).Select(c => names.TryNumber(c, out var n) ? n : -1).Where(n => n >= 0).ToHashSet();
        var (levels, sectors, agencies, channels) = (Numbers(Dimension.Level), Numbers(Dimension.Sector), Numbers(Dimension.Agency), Numbers(Dimension.Channel));
        var provinces = Numbers(Dimension.Province);

        // The 2025 provinces to read, and the 2008 provinces to keep of their rows.
        IEnumerable<(int Province, ProvinceRows Rows)> holders = grain.Provinces.Select(p => (p.Key, p.Value));
        if (provinces is not null)
        {
            var within = selection.Geo == 2008 ? provinces.SelectMany(p => grain.Within2008.GetValueOrDefault(p) ?? []).ToHashSet() : provinces;
            holders = holders.Where(h => within.Contains(h.Province));
        }

        var keyed = selection.GroupBy.ToArray();
        var groups = new Dictionary<(Group Keys, int Channel, int Month), Accumulator>();
        foreach (var (province, rows) in holders)
        {
            for (var i = 0; i < rows.Keys.Count; i++)
            {
                var key = rows.Keys[i];
                if (key.Month > last
                    || (selection.Geo == 2008 && provinces is not null && !provinces.Contains(key.Province2008))
                    || (levels is not null && !levels.Contains(key.Level))
                    || (sectors is not null && !sectors.Contains(key.Sector))
                    || (agencies is not null && !agencies.Contains(key.Agency))
                    || (channels is not null && !channels.Contains(key.Channel)))
                {
                    continue;
                }

                var group = new Group(
                    keyed.Length > 0 ? Value(keyed[0], key, province, selection.Geo) : -1,
                    keyed.Length > 1 ? Value(keyed[1], key, province, selection.Geo) : -1,
                    keyed.Length > 2 ? Value(keyed[2], key, province, selection.Geo) : -1,
                    keyed.Length > 3 ? Value(keyed[3], key, province, selection.Geo) : -1,
                    keyed.Length > 4 ? Value(keyed[4], key, province, selection.Geo) : -1);
                var id = (group, key.Channel, Math.Max(key.Month, fold));
                if (!groups.TryGetValue(id, out var sum))
                {
                    groups[id] = sum = new Accumulator(histogram);
                }

                sum.Add(rows.Sums(i), histogram ? rows.Histogram(i) : null);
            }
        }

        return groups.Select(g =>
        {
            var keys = g.Key.Keys.Values.Take(keyed.Length).Select(n => names[n]).ToArray();
            return new InProcessAnswer.MonthRow(string.Join('\u001F', keys), keys, names[g.Key.Channel], DateOnly.FromDayNumber(g.Key.Month), g.Value.Sums, g.Value.Histogram);
        }).ToList();
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

    private sealed class Accumulator(bool histogram)
    {
        public long[] Sums { get; } = new long[ProvinceRows.Width];

        public SortedDictionary<long, long>? Histogram { get; } = histogram ? [] : null;

        public void Add(ReadOnlySpan<int> sums, long[]? rowHistogram)
        {
            for (var i = 0; i < Sums.Length; i++)
            {
                Sums[i] = unchecked(Sums[i] + sums[i]);
            }

            for (var i = 0; Histogram is not null && rowHistogram is not null && i < rowHistogram.Length; i += 2)
            {
                Histogram[rowHistogram[i]] = unchecked(Histogram.GetValueOrDefault(rowHistogram[i]) + rowHistogram[i + 1]);
            }
        }
    }
}
