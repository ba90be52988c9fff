using Dapper;
using ReformMetrics.Store;

namespace ReformMetrics.Dashboard.Access;

/// <summary>Which of the 63 provinces before 1 July 2025 became part of each of the 34 after it (the province_map
/// table), read once per process: a province viewer also sees the old units of their province.</summary>
public sealed class ProvinceMap(ClickHouseStore store)
{
    private Task<Dictionary<string, IReadOnlyList<string>>>? _load;

    public async Task<IReadOnlyList<string>> OldCodesOfAsync(string province, CancellationToken cancellationToken)
    {
        var load = _load ??= LoadAsync();
        try
        {
            return (await load.WaitAsync(cancellationToken).ConfigureAwait(false)).GetValueOrDefault(province) ?? [];
        }
        catch (Exception) when (load.IsFaulted)
        {
            _load = null; // the store was down: read again next time
            throw;
        }
    }

    private async Task<Dictionary<string, IReadOnlyList<string>>> LoadAsync()
    {
        await using var connection = store.CreateConnection();
        return (await connection.QueryAsync<(string Old, string New)>("SELECT toString(old_code), toString(new_code) FROM province_map").ConfigureAwait(false))
            .GroupBy(r => r.New, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(r => r.Old).Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
    }
}
