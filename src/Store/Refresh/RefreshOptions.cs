using System.ComponentModel.DataAnnotations;

namespace ReformMetrics.Store.Refresh;

/// <summary>How the refresh applies new events ("Refresh" section).</summary>
public sealed class RefreshOptions
{
    public const string SectionName = "Refresh";

    /// <summary>
    /// Up to this many stale dossiers a refresh recomputes them one by one; beyond it, it rebuilds their cohorts whole,
    /// which costs less per dossier once a load touches a large part of a month (bench/refresh-crossover.sh measures
    /// where the two meet).
    /// </summary>
    [Range(0, 10_000_000)]
    public int IncrementalLimit { get; set; } = 200_000;
}
