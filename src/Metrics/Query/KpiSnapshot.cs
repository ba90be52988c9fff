using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Store;

namespace ReformMetrics.Metrics.Query;

/// <summary>
/// Every dossier metric of a period by month, for no grouping and each dimension alone, in both geographies, from both
/// pre-aggregates (the monthly one where it can answer): what the refresh's exactness checks (StreamedRefreshTests,
/// `reform bench feed`) compare with a full rebuild. Keys name the geography, source, group, month and metric.
/// </summary>
public static class KpiSnapshot
{
    /// <param name="inProcessFormulas">Whether the formulas may be evaluated in the process (the default path) or only by the
    /// engine (the reference).</param>
    /// <param name="mirror">The month rows held in memory to answer from (with <paramref name="inProcessFormulas"/>), or null
    /// for the rows of a statement.</param>
    public static async Task<Dictionary<string, double?>> TakeAsync(
        ClickHouseStore store, Period period, CancellationToken cancellationToken, bool inProcessFormulas = true, Mirror.RollupMirror? mirror = null)
    {
        var service = new KpiService(store, NullLogger<KpiService>.Instance) { InProcessFormulas = inProcessFormulas, RollupMirror = mirror };
        var answers = new Dictionary<string, double?>(StringComparer.Ordinal);
        Dimension[][] groupings = [[], .. Enum.GetValues<Dimension>().Select(d => new[] { d })];
        foreach (var geo in new[] { 2025, 2008 })
        {
            foreach (var groupBy in groupings)
            {
                foreach (var source in new[] { KpiSource.Monthly, KpiSource.Daily })
                {
                    if (source == KpiSource.Monthly && groupBy is [Dimension.Agency or Dimension.Procedure])
                    {
                        continue;
                    }

                    var selection = new Selection { Period = period, Geo = geo, GroupBy = groupBy, Grain = TimeGrain.Month, Source = source };
                    foreach (var group in (await service.GetAsync(selection, compare: false, cancellationToken).ConfigureAwait(false)).Groups)
                    {
                        var key = $"{geo}/{source}/{string.Join(",", group.Keys.Select(k => $"{k.Dimension}={k.Code}"))}/{group.Period.Key}";
                        foreach (var metric in MetricCatalogue.All.Where(m => m.Family == MetricFamily.Dossiers))
                        {
                            answers[$"{key}/{metric.Key}"] = group[metric];
                        }
                    }
                }
            }
        }

        return answers;
    }

    /// <summary>The keys whose values differ between two snapshots (or that only one has).</summary>
    public static List<string> Differences(IReadOnlyDictionary<string, double?> expected, IReadOnlyDictionary<string, double?> actual) =>
        expected.Where(kv => !actual.TryGetValue(kv.Key, out var value) || value != kv.Value)
            .Select(kv => $"{kv.Key}: expected {kv.Value}, got {(actual.TryGetValue(kv.Key, out var value) ? value : "nothing")}")
            .Concat(actual.Keys.Except(expected.Keys).Select(k => $"{k}: unexpected"))
            .ToList();
}
