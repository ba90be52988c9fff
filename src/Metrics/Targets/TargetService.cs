using Dapper;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Store;

namespace ReformMetrics.Metrics.Targets;

/// <summary>A target that applies to a value, and whether the value meets it (null when the value is undefined).</summary>
public sealed record TargetCheck(string Metric, double Target, string Scope, double? Value)
{
    public bool? Met => Value is not { } v ? null
        : MetricCatalogue.TryGet(Metric, out var m) && m.Better == Better.Lower ? v <= Target : v >= Target;
}

/// <summary>
/// Targets from the targets table (loaded from targets.csv) with the national ones of Resolution 131/NQ-CP built in
/// (satisfaction ≥ 90%, ≥ 85% in land, construction and investment), so they apply even before any file is loaded.
/// A province's own target wins over the national one; a sector-group target applies when the selection is that
/// sector group.
/// </summary>
public sealed class TargetService(ClickHouseStore store)
{
    private static readonly (string Indicator, string Group, double Target)[] National =
    [
        ("satisfaction_index", "", 0.90), ("satisfaction_index", "land", 0.85),
        ("satisfaction_index", "construction", 0.85), ("satisfaction_index", "investment", 0.85),
    ];

    public async Task<TargetBook> LoadAsync(int year, CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        var rows = (await connection.QueryAsync<(ushort Geo, string Province, string Indicator, string Group, double Target)>(new CommandDefinition(
            "SELECT geo, province_code, indicator, sector_group, target FROM v_targets WHERE year = @year",
            new { year = (ushort)year }, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        var groups = (await connection.QueryAsync<(string Code, string Group)>(new CommandDefinition(
            "SELECT toString(code), toString(target_group) FROM sectors", cancellationToken: cancellationToken)).ConfigureAwait(false))
            .ToDictionary(r => r.Code, r => r.Group, StringComparer.Ordinal);
        return new TargetBook(rows, groups);
    }

    public sealed class TargetBook
    {
        private readonly Dictionary<(int Geo, string Province, string Indicator, string Group), double> _targets = [];
        private readonly Dictionary<string, string> _sectorGroups;

        internal TargetBook(IEnumerable<(ushort Geo, string Province, string Indicator, string Group, double Target)> rows, Dictionary<string, string> sectorGroups)
        {
            foreach (var (indicator, group, target) in National)
            {
                _targets[(0, string.Empty, indicator, group)] = target;
            }

            foreach (var r in rows)
            {
                _targets[(r.Geo, r.Province, r.Indicator, r.Group)] = r.Target;
            }

            _sectorGroups = sectorGroups;
        }

        /// <summary>The target for a metric in a province (or nationally when <paramref name="province"/> is null),
        /// for the sectors of the selection (a target group applies only when every selected sector is in it).</summary>
        public TargetCheck? For(string metric, int geo, string? province, IReadOnlyList<string> sectors, double? value)
        {
            var groups = sectors.Select(s => _sectorGroups.GetValueOrDefault(s, string.Empty)).Distinct().ToList();
            var group = groups.Count == 1 ? groups[0] : string.Empty;
            foreach (var g in group.Length > 0 ? new[] { group, string.Empty } : [string.Empty])
            {
                if (province is not null && _targets.TryGetValue((geo, province, metric, g), out var own))
                {
                    return new TargetCheck(metric, own, "province", value);
                }

                if (_targets.TryGetValue((0, string.Empty, metric, g), out var national))
                {
                    return new TargetCheck(metric, national, g.Length > 0 ? $"national:{g}" : "national", value);
                }
            }

            return null;
        }
    }
}
