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
public sealed record TthcResultsReport(string UnitName, Period Period, int Geo, FormLayout Layout, IReadOnlyList<FormRow> Rows, DateTimeOffset GeneratedAt);

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
        if (layout == FormLayout.Agency)
        {
            var agencies = await kpi.GetAsync(selection with { GroupBy = [Dimension.Agency] }, compare: false, cancellationToken).ConfigureAwait(false);
            rows.AddRange(agencies.Groups.Where(g => !FormFigures.From(g).IsEmpty).Select((g, i) => new FormRow(
                (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), g.Label(Dimension.Agency), 2, FormFigures.From(g))));
        }
        else
        {
            var levels = (await kpi.GetAsync(selection with { GroupBy = [Dimension.Level] }, compare: false, cancellationToken).ConfigureAwait(false)).Groups;
            var sectors = (await kpi.GetAsync(selection with { GroupBy = [Dimension.Level, Dimension.Sector] }, compare: false, cancellationToken).ConfigureAwait(false)).Groups;
            var n = 0;
            foreach (var level in levels.Where(g => !FormFigures.From(g).IsEmpty).OrderBy(g => Array.IndexOf(LevelOrder, g.Code(Dimension.Level))))
            {
                var code = level.Code(Dimension.Level);
                rows.Add(new FormRow(Roman(++n), LevelLabel(code), 1, FormFigures.From(level)));
                rows.AddRange(sectors.Where(s => s.Code(Dimension.Level) == code && !FormFigures.From(s).IsEmpty).OrderBy(s => s.Code(Dimension.Sector), StringComparer.Ordinal).Select((s, i) => new FormRow(
                    (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), s.Label(Dimension.Sector), 2, FormFigures.From(s))));
            }
        }

        rows.Add(new FormRow(string.Empty, FormText.Total, 0, FormFigures.From(total)));
        var unit = province is null ? "Toàn quốc" : await ProvinceNameAsync(selection, cancellationToken).ConfigureAwait(false);
        return new TthcResultsReport(unit, period, geo, layout, rows, clock.GetUtcNow());
    }

    private async Task<string> ProvinceNameAsync(Selection selection, CancellationToken cancellationToken)
    {
        var named = await kpi.GetAsync(selection with { GroupBy = [Dimension.Province] }, compare: false, cancellationToken).ConfigureAwait(false);
        return named.Groups.Count > 0 && named.Groups[0].Name(Dimension.Province) is { } name ? name : selection.Provinces[0];
    }

    // After 1 July 2025 there are two levels; before it the district block sits between them.
    private static string LevelLabel(string level) => level switch
    {
        "province" => "Cấp tỉnh (sở, ban, ngành)",
        "district" => "Cấp huyện (huyện, thị xã, thành phố thuộc tỉnh)",
        "commune" => "Cấp xã (xã, phường, thị trấn)",
        _ => "Không rõ cấp",
    };

    private static string Roman(int n) => n switch { 1 => "I", 2 => "II", 3 => "III", 4 => "IV", _ => n.ToString(System.Globalization.CultureInfo.InvariantCulture) };
}
