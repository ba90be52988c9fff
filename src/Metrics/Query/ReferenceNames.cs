using Dapper;
using ReformMetrics.Store;

namespace ReformMetrics.Metrics.Query;

/// <summary>Names of the codes an answer is keyed by, read once from the reference tables (they change only with a
/// migration or an agency list load; a new instance per request is cheap enough for the API).</summary>
public sealed class ReferenceNames
{
    /// <summary>One target of targets.csv: a province's (geo 0 and no province: national) target for an indicator in a year.</summary>
    public sealed record TargetRow(int Geo, string Province, int Year, string Indicator, string SectorGroup, double Target);

    private static readonly Dictionary<string, string> Levels = new(StringComparer.Ordinal)
    {
        ["province"] = "Cấp tỉnh", ["district"] = "Cấp huyện", ["commune"] = "Cấp xã", [""] = "Không rõ",
    };

    private static readonly Dictionary<string, string> Channels = new(StringComparer.Ordinal)
    {
        ["direct"] = "Trực tiếp", ["online"] = "Trực tuyến", ["postal"] = "Bưu chính công ích", [""] = "Không rõ",
    };

    private readonly Dictionary<(int Geo, string Code), string> _provinces;
    private readonly Dictionary<string, string> _sectors;
    private readonly Dictionary<string, string> _agencies;
    private readonly HashSet<string> _agenciesWithData;
    private readonly Dictionary<string, string> _procedures;
    private readonly Dictionary<string, string> _sectorGroups;

    private ReferenceNames(
        Dictionary<(int, string), string> provinces, Dictionary<string, string> sectors, Dictionary<string, string> agencies, HashSet<string> agenciesWithData,
        Dictionary<string, string> procedures, Dictionary<string, string> sectorGroups)
    {
        _provinces = provinces;
        _sectors = sectors;
        _agencies = agencies;
        _agenciesWithData = agenciesWithData;
        _procedures = procedures;
        _sectorGroups = sectorGroups;
    }

    /// <summary>Every reference list in one round trip: the names of provinces (both geographies), sectors (with their
    /// target group), agencies and procedures, and the agency codes the data holds (the agency lists are optional, so an
    /// agency is known when it is listed or has dossiers).</summary>
    public static async Task<ReferenceNames> LoadAsync(ClickHouseStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var connection = store.CreateConnection();
        var rows = await connection.QueryAsync<(string Kind, ushort Geo, string Code, string Name, string Extra, ushort Year, double Value)>(new CommandDefinition(
            """
            SELECT 'province', geo, toString(code), name, '', toUInt16(0), 0. FROM provinces
            UNION ALL SELECT 'sector', 0, toString(code), name_vi, toString(target_group), 0, 0. FROM sectors
            UNION ALL SELECT 'agency', 0, toString(code), argMax(name_vi, loaded_at), '', 0, 0. FROM agencies GROUP BY code
            UNION ALL SELECT 'procedure', 0, toString(code), name_vi, '', 0, 0. FROM procedures
            UNION ALL SELECT 'agency_data', 0, toString(agency_code), '', '', 0, 0. FROM kpi_daily GROUP BY agency_code
            UNION ALL SELECT 'target', geo, province_code, indicator, sector_group, year, target FROM v_targets
            """,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var provinces = new Dictionary<(int, string), string>();
        var (sectors, agencies, procedures, groups) = (Names(), Names(), Names(), Names());
        var withData = new HashSet<string>(StringComparer.Ordinal);
        var targets = new List<TargetRow>();
        foreach (var (kind, geo, code, name, extra, year, value) in rows)
        {
            switch (kind)
            {
                case "province": provinces[(geo, code)] = name; break;
                case "sector": sectors.TryAdd(code, name); groups.TryAdd(code, extra); break;
                case "agency": agencies.TryAdd(code, name); break;
                case "procedure": procedures.TryAdd(code, name); break;
                case "target": targets.Add(new TargetRow(geo, code, year, name, extra, value)); break;
                default: withData.Add(code); break;
            }
        }

        // A 2025 province with no single 2008 equivalent is keyed N<code> in the 2008 geography.
        foreach (var province in provinces.Where(p => p.Key.Item1 == 2025).ToList())
        {
            provinces[(2008, "N" + province.Key.Item2)] = $"{province.Value} (đơn vị từ 01/07/2025)";
        }

        return new ReferenceNames(provinces, sectors, agencies, withData, procedures, groups) { Targets = targets };
    }

    /// <summary>The targets of every year (targets.csv), read with the names: a small table, and it changes only with a
    /// file load, as the names do.</summary>
    public IReadOnlyList<TargetRow> Targets { get; private init; } = [];

    /// <summary>The reference lists of the data's current version: the answer cache's when there is one, else read now.</summary>
    public static async Task<ReferenceNames> CurrentAsync(ClickHouseStore store, KpiCache? cache, CancellationToken cancellationToken) =>
        cache is null ? await LoadAsync(store, cancellationToken).ConfigureAwait(false)
            : await cache.NamesAsync(await cache.VersionAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    private static Dictionary<string, string> Names() => new(StringComparer.Ordinal);

    /// <summary>The target group of a sector (land, construction, investment), or empty.</summary>
    public string SectorGroup(string sector) => _sectorGroups.GetValueOrDefault(sector, string.Empty);

    /// <summary>An agency is known when an agency list names it or dossiers were received by it.</summary>
    public bool AgencyExists(string code) => _agencies.ContainsKey(code) || _agenciesWithData.Contains(code);

    public bool ProvinceExists(int geo, string code) => _provinces.ContainsKey((geo, code));

    public bool SectorExists(string code) => _sectors.ContainsKey(code);

    public bool ProcedureExists(string code) => _procedures.ContainsKey(code);

    /// <summary>Every sector, by name, for pick lists.</summary>
    public IEnumerable<(string Code, string Name)> Sectors => _sectors.OrderBy(s => s.Value, StringComparer.Create(System.Globalization.CultureInfo.GetCultureInfo("vi-VN"), false)).Select(s => (s.Key, s.Value));

    public IEnumerable<string> ProvinceCodes(int geo) => _provinces.Keys.Where(k => k.Geo == geo && !k.Code.StartsWith('N')).Select(k => k.Code).Order(StringComparer.Ordinal);

    public string? Name(Dimension dimension, string code, int geo) => dimension switch
    {
        Dimension.Province => _provinces.GetValueOrDefault((geo, code)),
        Dimension.Sector => _sectors.GetValueOrDefault(code),
        Dimension.Agency => _agencies.GetValueOrDefault(code),
        Dimension.Procedure => _procedures.GetValueOrDefault(code),
        Dimension.Level => Levels.GetValueOrDefault(code),
        _ => Channels.GetValueOrDefault(code),
    };
}
