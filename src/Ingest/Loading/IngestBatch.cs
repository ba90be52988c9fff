using ReformMetrics.Ingest.Contract;

namespace ReformMetrics.Ingest.Loading;

/// <summary>A slice of a source, stored as one unit: its valid events and its rejected rows. The last batch of a source
/// is not recorded in ingest_batches: the source's "done" row, written next, stands for it. <paramref name="HeldRows"/> are
/// the rows of the <see cref="RowBudget"/> its load took for it.</summary>
public sealed record IngestBatch(
    string FileKey, string Source, uint Number, long FirstRow, long LastRow, EventColumns Events, IReadOnlyList<Rejection> Rejections,
    bool IsLast = false, long HeldRows = 0);

/// <summary>What storing a batch did: events stored (or found stored by an earlier attempt of the same source),
/// events that were already there from another source or repeated within this one, and rows rejected.</summary>
public readonly record struct BatchOutcome(long Accepted, long Duplicates, long Rejected)
{
    public static BatchOutcome operator +(BatchOutcome a, BatchOutcome b) =>
        new(a.Accepted + b.Accepted, a.Duplicates + b.Duplicates, a.Rejected + b.Rejected);

    public BatchOutcome Add(BatchOutcome other) => this + other;
}
