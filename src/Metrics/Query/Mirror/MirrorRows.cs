using System.Data;
using System.Globalization;
using ReformMetrics.Store.Refresh;

namespace ReformMetrics.Metrics.Query.Mirror;

/// <summary>The month rollups the mirror keeps: the dimensions each carries besides the provinces, the channel and the month.</summary>
internal enum MirrorGrain
{
    /// <summary>kpi_monthly by province (both geographies): the overview, the ranking, a province's cards and trend.</summary>
    Provinces,

    /// <summary>kpi_monthly whole (level and sector too): the breakdowns by level and sector.</summary>
    Sectors,

    /// <summary>kpi_daily by month with the level and the agency, without the histogram: the breakdown by agency.</summary>
    Agencies,
}

/// <summary>A row's keys within its 2025 province, as numbers of <see cref="MirrorNames"/>; the month as its day number.</summary>
internal readonly record struct RowKey(int Province2008, int Level, int Sector, int Agency, int Channel, int Month);

/// <summary>The codes of every row, numbered once (a few thousand distinct: provinces, levels, sectors, agencies).</summary>
internal sealed class MirrorNames
{
    private readonly Dictionary<string, int> _numbers = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];

    public int Number(string name)
    {
        if (!_numbers.TryGetValue(name, out var number))
        {
            _numbers[name] = number = _names.Count;
            _names.Add(name);
        }

        return number;
    }

    public bool TryNumber(string name, out int number) => _numbers.TryGetValue(name, out number);

    public string this[int number] => _names[number];
}

/// <summary>The rows of one 2025 province in a grain: summed columns in one flat array (a row's sums at
/// <c>row × width</c>), and where the grain keeps it the histogram of each row as (working days, count) pairs in one
/// array. Arrays of numbers only: the garbage collector has nothing to trace in them (a dictionary per row made every collection walk
/// hundreds of thousands of objects).</summary>
internal sealed class ProvinceRows(bool histogram)
{
    public static readonly int Width = MirrorColumns.Plain.Count;

    private readonly Dictionary<RowKey, int> _index = [];
    // Int32, not Int64: a row is one month of one province's agency or sector, far below 2^31; the half saved is 30 MB at
    // 20 M dossiers. A sum that would not fit throws (OverflowException), and the mirror stands down.
    private int[] _sums = new int[16 * Width];

    public List<RowKey> Keys { get; } = [];

    private List<long[]>? Histograms { get; } = histogram ? [] : null;

    public ReadOnlySpan<int> Sums(int row) => _sums.AsSpan(row * Width, Width);

    /// <summary>A row's histogram as pairs (working days, count) in one array, by working days (null where the grain keeps
    /// none).</summary>
    public long[]? Histogram(int row) => Histograms?[row];

    /// <summary>Adds a row's values to the row of its key (created when new: a row with sums of 0 still exists, as it does
    /// in the engine's table).</summary>
    public void Add(RowKey key, ReadOnlySpan<long> sums, IReadOnlyCollection<KeyValuePair<long, long>> histogram)
    {
        if (!_index.TryGetValue(key, out var row))
        {
            _index[key] = row = Keys.Count;
            Keys.Add(key);
            Histograms?.Add([]);
            if (_sums.Length < Keys.Count * Width)
            {
                Array.Resize(ref _sums, _sums.Length * 2);
            }
        }

        var target = _sums.AsSpan(row * Width, Width);
        for (var i = 0; i < Width; i++)
        {
            target[i] = checked((int)(target[i] + sums[i]));
        }

        if (Histograms is not null && histogram.Count > 0)
        {
            Histograms[row] = Merge(Histograms[row], histogram);
        }
    }

    /// <summary>The pairs of <paramref name="pairs"/> with <paramref name="added"/> added, equal keys summed, in key order.</summary>
    private static long[] Merge(long[] pairs, IReadOnlyCollection<KeyValuePair<long, long>> added)
    {
        var merged = new SortedDictionary<long, long>();
        for (var i = 0; i < pairs.Length; i += 2)
        {
            merged[pairs[i]] = pairs[i + 1];
        }

        foreach (var (k, v) in added)
        {
            merged[k] = unchecked(merged.GetValueOrDefault(k) + v);
        }

        var result = new long[merged.Count * 2];
        var at = 0;
        foreach (var (k, v) in merged)
        {
            (result[at], result[at + 1]) = (k, v);
            at += 2;
        }

        return result;
    }

    /// <summary>Gives back the room kept for rows to come (after a whole load).</summary>
    public void Trim()
    {
        Array.Resize(ref _sums, Keys.Count * Width);
        Keys.TrimExcess();
        Histograms?.TrimExcess();
        _index.TrimExcess();
    }
}

/// <summary>One grain's rows, by 2025 province, and which 2025 provinces hold the rows of each 2008 province.</summary>
internal sealed class GrainRows(MirrorGrain grain)
{
    public MirrorGrain Grain { get; } = grain;

    public Dictionary<int, ProvinceRows> Provinces { get; } = [];

    public Dictionary<int, HashSet<int>> Within2008 { get; } = [];

    public int Count { get; private set; }

    /// <summary>Gives back the room kept for rows to come (after a whole load).</summary>
    public void Trim()
    {
        foreach (var rows in Provinces.Values)
        {
            rows.Trim();
        }
    }

    public void Add(MirrorNames names, DeltaRow row)
    {
        var p2025 = names.Number(row.Province2025);
        var p2008 = names.Number(row.Province2008);
        if (!Provinces.TryGetValue(p2025, out var rows))
        {
            Provinces[p2025] = rows = new ProvinceRows(histogram: Grain != MirrorGrain.Agencies);
        }

        if (!Within2008.TryGetValue(p2008, out var holders))
        {
            Within2008[p2008] = holders = [];
        }

        holders.Add(p2025);
        var none = names.Number(string.Empty);
        var key = new RowKey(p2008,
            Grain == MirrorGrain.Provinces ? none : names.Number(row.Level),
            Grain == MirrorGrain.Sectors ? names.Number(row.Sector) : none,
            Grain == MirrorGrain.Agencies ? names.Number(row.Agency) : none,
            names.Number(row.Channel), row.Month.DayNumber);
        var before = rows.Keys.Count;
        rows.Add(key, row.Sums, row.Histogram);
        Count += rows.Keys.Count - before;
    }
}

/// <summary>A row read from the store: a whole-load row of kpi_monthly or kpi_daily by month, or a run's rollup delta.</summary>
internal sealed record DeltaRow(
    string Province2025, string Province2008, string Level, string Sector, string Agency, string Channel, DateOnly Month, long[] Sums,
    IReadOnlyCollection<KeyValuePair<long, long>> Histogram);

/// <summary>The columns of the pre-aggregates as the mirror holds them.</summary>
internal static class MirrorColumns
{
    /// <summary>The plain (summed) columns, in the order of a row's sums.</summary>
    public static readonly IReadOnlyList<PreAggregateColumn> Plain = PreAggregates.Measures.Where(c => !c.IsMap).ToList();

    /// <summary>The measure columns of a statement, summed (the histogram with sumMap, or an empty map when
    /// <paramref name="histogram"/> is false), in table order.</summary>
    public static string Rollups(bool histogram) => string.Join(", ", PreAggregates.Measures.Select(c =>
        (c.IsMap && !histogram ? $"CAST(map(), '{c.Type}')" : c.Rollup) + " AS " + c.Name));

    /// <summary>The key columns <see cref="Read"/> reads, in its order: those of rollup_deltas, which the whole loads
    /// select in the same order.</summary>
    public static readonly string Keys = string.Join(", ", PreAggregates.RollupDeltaKeys);

    /// <summary>A row of a statement whose columns from <paramref name="first"/> on are <see cref="Keys"/>, then the
    /// measures in table order.</summary>
    public static DeltaRow Read(IDataRecord reader, int first, Func<string, string> share)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string Text(int ordinal) => share(Convert.ToString(reader.GetValue(first + ordinal), CultureInfo.InvariantCulture) ?? string.Empty);
        var sums = new long[Plain.Count];
        IReadOnlyCollection<KeyValuePair<long, long>> histogram = [];
        var column = 0;
        for (var i = 0; i < PreAggregates.Measures.Count; i++)
        {
            var value = reader.GetValue(first + 7 + i);
            if (PreAggregates.Measures[i].IsMap)
            {
                histogram = Evaluation.InProcessAnswer.ToMap(value);
            }
            else
            {
                sums[column++] = Convert.ToInt64(value, CultureInfo.InvariantCulture);
            }
        }

        return new DeltaRow(Text(1), Text(2), Text(3), Sector: Text(5), Agency: Text(4), Channel: Text(6),
            DateOnly.FromDateTime(Convert.ToDateTime(reader.GetValue(first), CultureInfo.InvariantCulture)), sums, histogram);
    }
}
