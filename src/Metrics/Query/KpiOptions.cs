using System.ComponentModel.DataAnnotations;

namespace ReformMetrics.Metrics.Query;

/// <summary>The metrics layer's settings ("Kpi" section).</summary>
public sealed class KpiOptions
{
    public const string SectionName = "Kpi";

    /// <summary>
    /// Whether answers are kept per data version and shared (KpiCache). On by default; `reform bench feed` turns it off
    /// so that the dashboard's speed is measured without it (no speed goal may depend on the cache). Off, every answer is
    /// computed, and only the data version and the reference names are still read at most once a second.
    /// </summary>
    public bool AnswerCache { get; set; } = true;

    /// <summary>Whether the dossier formulas of questions over whole months are evaluated in the service from the
    /// pre-aggregates' month rows (one plain statement) instead of by the engine (KpiService.InProcessFormulas). On by
    /// default; off, every answer is the engine's statement of conditional sums and formulas.</summary>
    public bool InProcessFormulas { get; set; } = true;

    /// <summary>Whether the pre-aggregates' month rows are held in the service's memory (RollupMirror), kept equal to the
    /// store's at every data version by adding what each refresh run wrote to rollup_deltas, so that the pages' questions
    /// over whole months need no statement. On by default; needs InProcessFormulas.</summary>
    public bool RollupMirror { get; set; } = true;

    /// <summary>The rows the mirror holds at most (every grain); beyond, the engine answers every question.</summary>
    [Range(1000, 100_000_000)]
    public int RollupMirrorRows { get; set; } = 4_000_000;

    /// <summary>Answers the engine computes at once for this process (<see cref="KpiReadGate"/>); 0: the machine's cores,
    /// at least 2.</summary>
    [Range(0, 256)]
    public int ConcurrentReads { get; set; }
}
