using ReformMetrics.Metrics.Periods;

namespace ReformMetrics.Metrics.Query;

/// <summary>What a breakdown can be grouped by; the names are the key columns of `reform kpi --json` and the API.</summary>
public enum Dimension
{
    Province,
    Sector,
    Agency,
    Level,
    Procedure,
    Channel,
}

/// <summary>Grouping by time inside the period.</summary>
public enum TimeGrain
{
    None,
    Month,
    Quarter,
}

/// <summary>Where the answer is computed from. Auto picks the monthly aggregate when the selection allows, else the
/// daily one; the others force a path (tests prove the paths agree; the benchmark compares them).</summary>
public enum KpiSource
{
    Auto,
    Monthly,
    Daily,
    DossierState,
    LiveEvents,
}

/// <summary>
/// A question to the metrics layer: a period, a geography (2025: the 34 provinces, older units mapped into them;
/// 2008: the 63 as recorded), filters on each dimension (empty = all), and the grouping. Province codes are read in
/// the chosen geography.
/// </summary>
public sealed record Selection
{
    private readonly int _geo = 2025;

    public required Period Period { get; init; }

    /// <summary>2025 (the 34 provinces) or 2008 (the 63); checked here, once, whoever builds the selection.</summary>
    public int Geo
    {
        get => _geo;
        init => _geo = value is 2008 or 2025 ? value
            : throw new SelectionException($"{SelectionWords.Geo}: địa giới \"{value}\" không hợp lệ; dùng 2025 (34 tỉnh, thành phố) hoặc 2008 (63 tỉnh, thành phố).");
    }

    public IReadOnlyList<string> Provinces { get; init; } = [];
    public IReadOnlyList<string> Levels { get; init; } = [];
    public IReadOnlyList<string> Agencies { get; init; } = [];
    public IReadOnlyList<string> Sectors { get; init; } = [];
    public IReadOnlyList<string> Procedures { get; init; } = [];
    public IReadOnlyList<string> Channels { get; init; } = [];
    public IReadOnlyList<Dimension> GroupBy { get; init; } = [];
    public TimeGrain Grain { get; init; }
    public KpiSource Source { get; init; }

    /// <summary>Whether the selection filters or groups on the agency or procedure, which the monthly rollup lacks.</summary>
    public bool NeedsDailyDetail =>
        Agencies.Count > 0 || Procedures.Count > 0 || GroupBy.Contains(Dimension.Agency) || GroupBy.Contains(Dimension.Procedure);

    public IReadOnlyList<string> Filter(Dimension dimension) => dimension switch
    {
        Dimension.Province => Provinces,
        Dimension.Sector => Sectors,
        Dimension.Agency => Agencies,
        Dimension.Level => Levels,
        Dimension.Procedure => Procedures,
        _ => Channels,
    };

    /// <summary>The periods the answer has one row each for: the whole period, or its months or quarters.</summary>
    public IReadOnlyList<Period> Buckets() => Grain switch
    {
        TimeGrain.Month => Period.Months().ToList(),
        TimeGrain.Quarter => Period.Quarters().ToList(),
        _ => [Period],
    };

    public static string KeyName(Dimension dimension) => dimension.ToString().ToLowerInvariant();
}
