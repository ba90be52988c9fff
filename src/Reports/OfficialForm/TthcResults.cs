using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;

namespace ReformMetrics.Reports.OfficialForm;

/// <summary>How the rows of the form are grouped: by level then sector (Biểu số 06/VPCP/KSTT), or by receiving agency
/// (the variant used at the public-service centre, II.06a).</summary>
public enum FormLayout
{
    LevelAndSector,
    Agency,
}

/// <summary>The 13 columns of the form for one row; columns 1 and 2 are the row number and label.</summary>
public sealed record FormFigures(
    long ReceivedTotal, long ReceivedOnline, long ReceivedDirectOrPostal, long CarriedOver,
    long ResolvedTotal, long ResolvedEarly, long ResolvedOnTime, long ResolvedOverdue,
    long InProgressTotal, long InProgressWithinDeadline, long InProgressOverdue)
{
    /// <summary>A row of zeros: a sector or agency whose only dossiers ended before the period. The form leaves it out.</summary>
    public bool IsEmpty => Columns.All(c => c == 0);

    /// <summary>Columns 3 to 13, in order.</summary>
    public long[] Columns =>
    [
        ReceivedTotal, ReceivedOnline, ReceivedDirectOrPostal, CarriedOver, ResolvedTotal, ResolvedEarly, ResolvedOnTime, ResolvedOverdue,
        InProgressTotal, InProgressWithinDeadline, InProgressOverdue,
    ];

    /// <summary>
    /// The form's figures from the metric catalogue. Withdrawn dossiers count as resolved on time (columns 7 and 9), as
    /// the one-stop systems that print the form do ("đúng hạn, bao gồm cả hồ sơ ... xin rút"), so that (3) = (7) + (11).
    /// </summary>
    public static FormFigures From(KpiGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        long V(MetricDefinition key) => (long)(group[key] ?? 0);
        return new FormFigures(
            V(MetricCatalogue.ReceivedTotal), V(MetricCatalogue.ReceivedOnline), V(MetricCatalogue.ReceivedDirect) + V(MetricCatalogue.ReceivedPostal), V(MetricCatalogue.CarriedOver),
            V(MetricCatalogue.ResolvedTotal) + V(MetricCatalogue.Withdrawn), V(MetricCatalogue.ResolvedEarly), V(MetricCatalogue.ResolvedOnTime) + V(MetricCatalogue.Withdrawn), V(MetricCatalogue.ResolvedOverdue),
            V(MetricCatalogue.InProgress), V(MetricCatalogue.InProgressWithinDeadline), V(MetricCatalogue.InProgressOverdue));
    }
}

/// <summary>One row of the form: its number (I, II for levels; 1, 2 for sectors), label, depth (0 total, 1 group, 2 detail).</summary>
public sealed record FormRow(string Number, string Label, int Depth, FormFigures Figures);

/// <summary>The report "Tình hình, kết quả giải quyết TTHC" for one province (or the whole country) and period.</summary>
public sealed record TthcResultsReport(string UnitName, Period Period, int Geo, FormLayout Layout, IReadOnlyList<FormRow> Rows, DateTimeOffset GeneratedAt)
{
    /// <summary>The province's code in <see cref="Geo"/>; null for the whole country.</summary>
    public string? Province { get; init; }

    /// <summary>Dossiers withdrawn in the period: column (7) counts them, the "đã giải quyết" of the catalogue does not.</summary>
    public long Withdrawn { get; init; }

    /// <summary>Whether the district level's dossiers are counted at commune level (<see cref="LevelRule"/>).</summary>
    public bool DistrictsFolded { get; init; }
}

/// <summary>Builds the form from the metrics layer: the detail rows, the level subtotals and the total are each
/// answered by ClickHouse (not summed here), and the identities of the form hold in every row.</summary>
public sealed class TthcResultsBuilder(KpiService kpi, TimeProvider clock)
{
    private static readonly string[] LevelOrder = ["province", "district", "commune", ""];

    public async Task<TthcResultsReport> BuildAsync(Period period, int geo, string? province, FormLayout layout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(period);
        var selection = new Selection { Period = period, Geo = geo, Provinces = province is null ? [] : [province] };
        var total = (await kpi.GetAsync(selection, compare: false, cancellationToken).ConfigureAwait(false)).Groups.Single();
        var rows = new List<FormRow>();
        var folded = false;
        if (layout == FormLayout.Agency)
        {
            var agencies = await kpi.GetAsync(selection with { GroupBy = [Dimension.Agency] }, compare: false, cancellationToken).ConfigureAwait(false);
            rows.AddRange(agencies.Groups.Where(g => !FormFigures.From(g).IsEmpty).Select((g, i) => new FormRow(
                (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), g.Label(Dimension.Agency), 2, FormFigures.From(g))));
        }
        else
        {
            (var levelRows, folded) = await LevelRowsAsync(selection, cancellationToken).ConfigureAwait(false);
            rows.AddRange(levelRows);
        }

        rows.Add(new FormRow(string.Empty, FormText.Total, 0, FormFigures.From(total)));
        var unit = province is null ? "Toàn quốc" : await ProvinceNameAsync(selection, cancellationToken).ConfigureAwait(false);
        return new TthcResultsReport(unit, period, geo, layout, rows, clock.GetUtcNow())
        {
            Province = province,
            Withdrawn = (long)(total[MetricCatalogue.Withdrawn] ?? 0),
            DistrictsFolded = folded,
        };
    }

    private async Task<string> ProvinceNameAsync(Selection selection, CancellationToken cancellationToken)
    {
        var named = await kpi.GetAsync(selection with { GroupBy = [Dimension.Province] }, compare: false, cancellationToken).ConfigureAwait(false);
        return named.Groups.Count > 0 && named.Groups[0].Name(Dimension.Province) is { } name ? name : selection.Provinces[0];
    }

    /// <summary>A block per level, each with its sectors. After the reform, a district block is folded into the commune
    /// block, which is then asked with a filter on both levels, so that ClickHouse answers it (and its sectors) as one unit.</summary>
    private async Task<(List<FormRow> Rows, bool Folded)> LevelRowsAsync(Selection selection, CancellationToken cancellationToken)
    {
        var levels = (await kpi.GetAsync(selection with { GroupBy = [Dimension.Level] }, compare: false, cancellationToken).ConfigureAwait(false)).Groups
            .Where(g => !FormFigures.From(g).IsEmpty).ToDictionary(g => g.Code(Dimension.Level), StringComparer.Ordinal);
        var sectors = (await kpi.GetAsync(selection with { GroupBy = [Dimension.Level, Dimension.Sector] }, compare: false, cancellationToken).ConfigureAwait(false)).Groups
            .Where(g => !FormFigures.From(g).IsEmpty).ToList();
        var blocks = levels.Keys.Select(code => (Code: code, Total: levels[code], Sectors: sectors.Where(s => s.Code(Dimension.Level) == code).ToList())).ToList();
        var folded = LevelRule.FoldsDistricts(selection.Period) && levels.ContainsKey("district");
        if (folded)
        {
            var merged = selection with { Levels = ["district", "commune"] };
            var total = (await kpi.GetAsync(merged, compare: false, cancellationToken).ConfigureAwait(false)).Groups.Single();
            var mergedSectors = (await kpi.GetAsync(merged with { GroupBy = [Dimension.Sector] }, compare: false, cancellationToken).ConfigureAwait(false)).Groups
                .Where(g => !FormFigures.From(g).IsEmpty).ToList();
            blocks.RemoveAll(b => b.Code is "district" or "commune");
            blocks.Add(("commune", total, mergedSectors));
        }

        var rows = new List<FormRow>();
        var n = 0;
        foreach (var block in blocks.OrderBy(b => Array.IndexOf(LevelOrder, b.Code)))
        {
            rows.Add(new FormRow(Roman(++n), LevelRule.Label(block.Code, selection.Period), 1, FormFigures.From(block.Total)));
            rows.AddRange(block.Sectors.OrderBy(s => s.Code(Dimension.Sector), StringComparer.Ordinal).Select((s, i) => new FormRow(
                (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), s.Label(Dimension.Sector), 2, FormFigures.From(s))));
        }

        return (rows, folded);
    }

    private static string Roman(int n) => n switch { 1 => "I", 2 => "II", 3 => "III", 4 => "IV", _ => n.ToString(System.Globalization.CultureInfo.InvariantCulture) };
}
