namespace ReformMetrics.Ingest.Loading;

/// <summary>
/// Where the batches of a source begin and end. A load starts small and doubles up to the batch size (1/8, 1/4, 1/2,
/// then whole), so that the store is busy after the first eighth of a batch is read rather than after a whole one.
/// A source whose size shows it cannot hold more rows than one batch (<paramref name="maxRows"/>) is one batch: a look-up,
/// an insert, a part, instead of two to four of each for a few tens of thousands of rows (issue 20: the generator's
/// national folder is 994 files of about 72,000 events; other loads keep the store busy meanwhile).
/// A resumed load keeps the row ranges recorded for the batches done before (whatever sizes made them) and continues
/// with this schedule, so no row is skipped or stored twice. The schedule depends only on the batch size and the
/// source's bytes, never on timing. Events that an interrupted attempt at the next batch
/// stored are found and counted as accepted; only if that attempt was made with a larger batch (another version, or
/// another BatchRows) do those beyond the resumed batch's end count as duplicates instead.
/// </summary>
public sealed class BatchPlan(int batchRows, IReadOnlyDictionary<uint, RecordedBatch> done, long? maxRows = null)
{
    /// <summary>The fewest bytes a row takes in a file (a CSV event with its required fields and a line end is longer):
    /// a plain source's size divided by it bounds its rows.</summary>
    public const int MinRowBytes = 32;

    public static BatchPlan Fresh(int batchRows) => new(batchRows, new Dictionary<uint, RecordedBatch>());

    public IReadOnlyDictionary<uint, RecordedBatch> Done => done;

    /// <summary>At most this many rows are in the source, when its size tells (not for gzip).</summary>
    public long? MaxRows => maxRows;

    /// <summary>This plan for a source of <paramref name="bytes"/> uncompressed bytes, or of unknown size (null).</summary>
    public BatchPlan ForSource(long? bytes) => new(batchRows, done, bytes is > 0 and var b ? (b / MinRowBytes) + 1 : null);

    public bool IsDone(uint number) => done.ContainsKey(number);

    /// <summary>Rows of batch <paramref name="number"/>, which starts at row <paramref name="firstRow"/>.</summary>
    public long Rows(uint number, long firstRow)
    {
        if (!done.TryGetValue(number, out var recorded))
        {
            return maxRows <= batchRows ? batchRows : Math.Min(batchRows, Math.Max(1L, batchRows / 8) << (int)Math.Min(number, 30));
        }

        // The ledger and the file must agree on where a recorded batch starts, or resuming would skip or repeat rows.
        return recorded.FirstRow == firstRow
            ? recorded.LastRow - recorded.FirstRow + 1
            : throw new InvalidOperationException(
                $"Lô {number} được ghi nhận là bắt đầu từ dòng {recorded.FirstRow}, nhưng trong tệp lô này bắt đầu ở dòng {firstRow}: " +
                "sổ nạp (ingest_batches) không khớp với tệp, không thể nạp tiếp.");
    }
}

/// <summary>A batch recorded in ingest_batches: its rows and what storing it did.</summary>
public sealed record RecordedBatch(long FirstRow, long LastRow, BatchOutcome Outcome);
