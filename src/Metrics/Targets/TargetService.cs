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
/// Targets from the targets table (loaded from targets.csv): national rows (geo 0) and each province's own, which wins
/// over the national one; a sector-group target applies when the selection is that sector group. None is built in: the
/// satisfaction targets of the government's resolutions could not be verified and concern the survey index (SIPAS), not
/// the share of ratings this project computes (docs/metrics.md), so a target applies only when someone loaded it.
/// </summary>
public sealed class TargetService(ClickHouseStore store, KpiCache? cache = null)
{
    /// <summary>The targets of a year, from the reference data of the current version (the answer cache's, when there
    /// is one: then no query at all once the names are read).</summary>
    public async Task<TargetBook> LoadAsync(int year, CancellationToken cancellationToken)
    {
        var names = await ReferenceNames.CurrentAsync(store, cache, cancellationToken).ConfigureAwait(false);
        return new TargetBook(names.Targets.Where(t => t.Year == year), names);
    }

    public sealed class TargetBook
    {
        private readonly Dictionary<(int Geo, string Province, string Indicator, string Group), double> _targets = [];
        private readonly ReferenceNames _names;

        internal TargetBook(IEnumerable<ReferenceNames.TargetRow> rows, ReferenceNames names)
        {
            foreach (var r in rows)
            {
                _targets[(r.Geo, r.Province, r.Indicator, r.SectorGroup)] = r.Target;
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
