namespace ReformMetrics.Dashboard.Overdue;

/// <summary>One page of the overdue list with what its links need to keep the filters, and the instant the dossier state
/// it lists is complete up to (the refresh watermark; null when never refreshed).</summary>
public sealed record OverdueModel(
    OverdueFilter Filter, string PeriodText, string ProvinceText, long Total, IReadOnlyList<OverdueDossier> Rows, IReadOnlyList<(string Code, string Name)> SectorChoices,
    DateTimeOffset? DataAsOf)
{
    public long Pages => Math.Max(1, (Total + OverdueFilter.PageSize - 1) / OverdueFilter.PageSize);

    /// <summary>The query string of this list at another page or order.</summary>
    public string Query(int page, string? sort = null, bool? ascending = null)
    {
        var parts = new List<string>
        {
            "loai=" + (Filter.Kind == OverdueKind.Now ? "hien-tai" : "trong-ky"), "period=" + Uri.EscapeDataString(PeriodText), $"geo={Filter.Geo}",
            "sap-xep=" + (sort ?? Filter.Sort), "tang=" + ((ascending ?? Filter.Ascending) ? "1" : "0"), $"trang={page}",
        };
        if (ProvinceText.Length > 0)
        {
            parts.Add("province=" + Uri.EscapeDataString(ProvinceText));
        }

        parts.AddRange(Filter.Sectors.Select(s => "sector=" + Uri.EscapeDataString(s)));
        parts.AddRange(Filter.Levels.Select(l => "level=" + Uri.EscapeDataString(l)));
        parts.AddRange(Filter.Channels.Select(c => "channel=" + Uri.EscapeDataString(c)));
        parts.AddRange((Filter.Agencies ?? []).Select(a => "agency=" + Uri.EscapeDataString(a)));
        return "?" + string.Join("&", parts);
    }
}
