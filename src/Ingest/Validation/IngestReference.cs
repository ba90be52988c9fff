using Dapper;
using ReformMetrics.Store;

namespace ReformMetrics.Ingest.Validation;

/// <summary>What validation checks codes against: the provinces of each geography, from the reference tables, and which of
/// the 34 provinces each of the 63 became part of.</summary>
public sealed class IngestReference(
    IReadOnlySet<string> provinces2008, IReadOnlySet<string> provinces2025,
    IReadOnlyDictionary<string, string>? oldToNew = null, IReadOnlyDictionary<string, string>? names2025 = null)
{
    // Looked up by span, so that validating a row allocates no string for its province.
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _provinces2008 =
        new HashSet<string>(provinces2008, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _provinces2025 =
        new HashSet<string>(provinces2025, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>2025-07-01 00:00 in Vietnam, as Unix milliseconds: the 34-province geography starts here.</summary>
    public static readonly long MergerAtMs = new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.FromHours(7)).ToUnixTimeMilliseconds();

    public bool ProvinceExists(ReadOnlySpan<char> code, long atMs) =>
        atMs < MergerAtMs ? _provinces2008.Contains(code) : _provinces2025.Contains(code);

    /// <summary>Whether a code is a province of the 2008 (the 63) or the 2025 (the 34) geography.</summary>
    public bool InGeography(string code, int geo) => geo == 2008 ? provinces2008.Contains(code) : provinces2025.Contains(code);

    /// <summary>The 2025 province an event's province code stands for: read in the geography in force on the event's date
    /// (codes were reused: 80 was Long An until 2025-06-30 and is Tây Ninh from 2025-07-01, which Long An became part of).</summary>
    public string Province2025(string code, long atMs) =>
        atMs >= MergerAtMs ? code : oldToNew?.GetValueOrDefault(code) ?? code;

    /// <summary>"Tây Ninh (80)": a 2025 province for messages.</summary>
    public string Describe2025(string code) =>
        names2025?.GetValueOrDefault(code) is { } name ? $"{name} ({code})" : code;

    public static async Task<IngestReference> LoadAsync(ClickHouseStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var connection = store.CreateConnection();
        var rows = (await connection.QueryAsync<(ushort Geo, string Code, string Name)>(new CommandDefinition(
            "SELECT geo, toString(code), name FROM provinces", cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        var map = (await connection.QueryAsync<(string Old, string New)>(new CommandDefinition(
            "SELECT toString(old_code), toString(new_code) FROM province_map", cancellationToken: cancellationToken)).ConfigureAwait(false))
            .ToDictionary(r => r.Old, r => r.New, StringComparer.Ordinal);
        return new IngestReference(
            rows.Where(r => r.Geo == 2008).Select(r => r.Code).ToHashSet(StringComparer.Ordinal),
            rows.Where(r => r.Geo == 2025).Select(r => r.Code).ToHashSet(StringComparer.Ordinal),
            map,
            rows.Where(r => r.Geo == 2025).ToDictionary(r => r.Code, r => r.Name, StringComparer.Ordinal));
    }
}
