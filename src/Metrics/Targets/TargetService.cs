using Dapper;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Query;
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
public sealed class TargetService(ClickHouseStore store, KpiCache? cache = null)
{
    // The last year asked for (the dashboard asks for the same year again and again); a reference read and written whole.
    private volatile Cached? _cached;

    private static readonly (string Indicator, string Group, double Target)[] National =
    [
        (MetricCatalogue.SatisfactionIndex.Key, "", 0.90), (MetricCatalogue.SatisfactionIndex.Key, "land", 0.85),
        (MetricCatalogue.SatisfactionIndex.Key, "construction", 0.85), (MetricCatalogue.SatisfactionIndex.Key, "investment", 0.85),
    ];

    /// <summary>The targets of a year; with the answer cache, read once per version of the data (targets change only
    /// with a targets file, which makes a new version) and the sectors' groups taken from its reference names.</summary>
    public async Task<TargetBook> LoadAsync(int year, CancellationToken cancellationToken)
    {
        if (cache is null)
        {
            return await ReadAsync(year, await ReferenceNames.LoadAsync(store, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }

        var version = await cache.VersionAsync(cancellationToken).ConfigureAwait(false);
        if (_cached is { } hit && hit.Version == version && hit.Year == year && !hit.Book.IsFaulted && !hit.Book.IsCanceled)
        {
            return await hit.Book.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var names = await cache.NamesAsync(version, cancellationToken).ConfigureAwait(false);
        var book = ReadAsync(year, names, CancellationToken.None);
        _cached = new Cached(version, year, book);
        return await book.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<TargetBook> ReadAsync(int year, ReferenceNames names, CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        var rows = (await connection.QueryAsync<(ushort Geo, string Province, string Indicator, string Group, double Target)>(new CommandDefinition(
            "SELECT geo, province_code, indicator, sector_group, target FROM v_targets WHERE year = @year",
            new { year = (ushort)year }, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        return new TargetBook(rows, names);
    }

    private sealed record Cached(string Version, int Year, Task<TargetBook> Book);

    public sealed class TargetBook
    {
        private readonly Dictionary<(int Geo, string Province, string Indicator, string Group), double> _targets = [];
        private readonly ReferenceNames _names;

        internal TargetBook(IEnumerable<(ushort Geo, string Province, string Indicator, string Group, double Target)> rows, ReferenceNames names)
        {
            foreach (var (indicator, group, target) in National)
            {
                _targets[(0, string.Empty, indicator, group)] = target;
            }

            foreach (var r in rows)
            {
                _targets[(r.Geo, r.Province, r.Indicator, r.Group)] = r.Target;
            }

            _names = names;
        }

        /// <summary>The target for a metric in a province (or nationally when <paramref name="province"/> is null),
        /// for the sectors of the selection (a target group applies only when every selected sector is in it).</summary>
        public TargetCheck? For(MetricDefinition metric, int geo, string? province, IReadOnlyList<string> sectors, double? value)
        {
            ArgumentNullException.ThrowIfNull(metric);
            var groups = sectors.Select(_names.SectorGroup).Distinct().ToList();
            var group = groups.Count == 1 ? groups[0] : string.Empty;
            foreach (var g in group.Length > 0 ? new[] { group, string.Empty } : [string.Empty])
            {
                if (province is not null && _targets.TryGetValue((geo, province, metric.Key, g), out var own))
                {
                    return new TargetCheck(metric.Key, own, "province", value);
                }

                if (_targets.TryGetValue((0, string.Empty, metric.Key, g), out var national))
                {
                    return new TargetCheck(metric.Key, national, g.Length > 0 ? $"national:{g}" : "national", value);
                }
            }

            return null;
        }
    }
}
