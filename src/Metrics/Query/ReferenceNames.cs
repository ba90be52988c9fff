using Dapper;
using ReformMetrics.Store;

namespace ReformMetrics.Metrics.Query;

/// <summary>Names of the codes an answer is keyed by, read once from the reference tables (they change only with a
/// migration or an agency list load; a new instance per request is cheap enough for the API).</summary>
public sealed class ReferenceNames
{
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
    private readonly Dictionary<string, string> _procedures;

    private ReferenceNames(Dictionary<(int, string), string> provinces, Dictionary<string, string> sectors, Dictionary<string, string> agencies, Dictionary<string, string> procedures)
    {
        _provinces = provinces;
        _sectors = sectors;
        _agencies = agencies;
        _procedures = procedures;
    }

    public static async Task<ReferenceNames> LoadAsync(ClickHouseStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var connection = store.CreateConnection();
        async Task<Dictionary<string, string>> Names(string sql) =>
            (await connection.QueryAsync<(string Code, string Name)>(new CommandDefinition(sql, cancellationToken: cancellationToken)).ConfigureAwait(false))
            .GroupBy(r => r.Code, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);
        var provinces = (await connection.QueryAsync<(ushort Geo, string Code, string Name)>(new CommandDefinition(
            "SELECT geo, toString(code), name FROM provinces", cancellationToken: cancellationToken)).ConfigureAwait(false))
            .ToDictionary(r => ((int)r.Geo, r.Code), r => r.Name);
        // A 2025 province with no single 2008 equivalent is keyed N<code> in the 2008 geography.
        foreach (var province in provinces.Where(p => p.Key.Item1 == 2025).ToList())
        {
            provinces[(2008, "N" + province.Key.Item2)] = $"{province.Value} (đơn vị từ 01/07/2025)";
        }

        return new ReferenceNames(
            provinces,
            await Names("SELECT toString(code), name_vi FROM sectors").ConfigureAwait(false),
            await Names("SELECT toString(code), argMax(name_vi, loaded_at) FROM agencies GROUP BY code").ConfigureAwait(false),
            await Names("SELECT toString(code), name_vi FROM procedures").ConfigureAwait(false));
    }

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
