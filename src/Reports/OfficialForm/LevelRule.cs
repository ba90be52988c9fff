using ReformMetrics.Metrics.Periods;

namespace ReformMetrics.Reports.OfficialForm;

/// <summary>
/// The levels a form shows. Until 30/06/2025 there were three (tỉnh, huyện, xã); from 01/07/2025 two (tỉnh; xã, phường,
/// đặc khu). A form whose period ends on or after that day has no district block: the district's dossiers (received
/// before the reform, pending or resolved in the period) are counted at commune level, the level that took over the
/// districts' one-stop tasks. docs/metrics.md states the rule and that it is the project's choice.
/// </summary>
public static class LevelRule
{
    public static readonly DateOnly Abolished = new(2025, 7, 1);

    public static bool FoldsDistricts(Period period)
    {
        ArgumentNullException.ThrowIfNull(period);
        return period.End >= Abolished;
    }

    /// <summary>The label of a level block, in the words of the period's administrative structure.</summary>
    public static string Label(string level, Period period) => level switch
    {
        "province" => "Cấp tỉnh (sở, ban, ngành)",
        "district" => "Cấp huyện (huyện, quận, thị xã, thành phố thuộc tỉnh)",
        "commune" => FoldsDistricts(period) ? "Cấp xã (xã, phường, đặc khu)" : "Cấp xã (xã, phường, thị trấn)",
        _ => "Không rõ cấp",
    };
}
