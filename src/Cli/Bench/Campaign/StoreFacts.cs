using System.Globalization;

namespace ReformMetrics.Cli.Bench.Campaign;

/// <summary>A province of the 2025 geography as the data holds it: its code, its name, how many dossiers it has, the old
/// (2008) codes that became part of it, and one real combination of agency, sector, procedure and level received there since
/// the merger, so that the events a campaign sends are valid.</summary>
internal sealed record ProvinceFacts(string Code, string Name, long Dossiers, IReadOnlyList<string> OldCodes, string Agency, string Sector, string Procedure, string Level);

/// <summary>
/// What a campaign needs to know about the store's data, read through the documented analyst views (`reform sql` on
/// <c>v_dossiers</c>) rather than assumed: the provinces and their codes in both geographies, and the months that hold data,
/// from which the periods users browse are chosen.
/// </summary>
internal sealed record StoreFacts(IReadOnlyList<ProvinceFacts> Provinces, DateOnly FirstMonth, DateOnly LastMonth)
{
    public static async Task<StoreFacts> ReadAsync(CampaignTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var provinces = await target.QueryAsync(
            """
            SELECT province_2025, any(province_2025_name), count() AS n,
                   arrayStringConcat(arraySort(groupUniqArray(province_2008)), ','),
                   argMaxIf(concat(agency_code, '|', sector_code, '|', procedure_code, '|', toString(level)), received_at,
                            received_at >= toDateTime('2025-07-01 00:00:00', 'Asia/Ho_Chi_Minh') AND procedure_code != '' AND agency_code != '')
            FROM v_dossiers WHERE province_2025 != '' GROUP BY province_2025 ORDER BY n DESC, province_2025
            """, cancellationToken);
        var months = await target.QueryAsync("SELECT toString(min(cohort)), toString(max(cohort)) FROM v_dossiers WHERE cohort > '2000-01-01'", cancellationToken);
        var list = provinces.Where(r => r.Length >= 5).Select(r =>
        {
            var codes = r[4].Split('|');
            return new ProvinceFacts(r[0], r[1], long.Parse(r[2], CultureInfo.InvariantCulture), r[3].Split(',', StringSplitOptions.RemoveEmptyEntries),
                codes.ElementAtOrDefault(0) ?? string.Empty, codes.ElementAtOrDefault(1) ?? string.Empty, codes.ElementAtOrDefault(2) ?? string.Empty,
                codes.ElementAtOrDefault(3) ?? "commune");
        }).ToList();
        if (list.Count < 2 || months.Count != 1 || months[0].Length != 2)
        {
            throw new CampaignException("Kho dữ liệu chưa đủ dữ liệu cho chiến dịch (cần hồ sơ của ít nhất 2 tỉnh trong v_dossiers).");
        }

        return new StoreFacts(list, DateOnly.Parse(months[0][0], CultureInfo.InvariantCulture), DateOnly.Parse(months[0][1], CultureInfo.InvariantCulture));
    }

    /// <summary>Provinces with data since the merger, largest first: those a campaign's province users and events use.</summary>
    public IReadOnlyList<ProvinceFacts> Served => Provinces.Where(p => p.Agency.Length > 0 && p.Procedure.Length > 0).ToList();

    /// <summary>The last month whose data is complete (the one before the last month with data).</summary>
    public DateOnly LastFullMonth => LastMonth > FirstMonth ? LastMonth.AddMonths(-1) : LastMonth;

    /// <summary>Periods users commonly open: the last full month, its quarter, the year to date, the previous year.</summary>
    public IReadOnlyList<string> Periods
    {
        get
        {
            var month = LastFullMonth;
            var invariant = CultureInfo.InvariantCulture;
            var periods = new List<string>
            {
                month.ToString("yyyy-MM", invariant), string.Create(invariant, $"{month.Year}-Q{(month.Month + 2) / 3}"),
                month.AddMonths(-1).ToString("yyyy-MM", invariant), string.Create(invariant, $"{month.Year}-YTD"),
            };
            if (FirstMonth.Year < month.Year)
            {
                periods.Add(string.Create(invariant, $"{month.Year - 1}"));
                periods.Add(string.Create(invariant, $"{month.Year - 1}-Q4"));
            }

            return periods;
        }
    }

    /// <summary>The province with this 2025 code, by name.</summary>
    public string NameOf(string code) => Provinces.FirstOrDefault(p => p.Code == code)?.Name ?? code;
}
