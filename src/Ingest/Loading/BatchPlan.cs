namespace ReformMetrics.Ingest.Loading;

/// <summary>
/// Where the batches of a source begin and end. A load starts small and doubles up to the batch size (1/8, 1/4, 1/2,
/// then whole), so that the store is busy after the first eighth of a batch is read rather than after a whole one.
/// A resumed load keeps the row ranges recorded for the batches done before (whatever sizes made them) and continues
/// with this schedule, so no row is skipped or stored twice. Events that an interrupted attempt at the next batch
/// stored are found and counted as accepted; only if that attempt was made with a larger batch (another version, or
/// another BatchRows) do those beyond the resumed batch's end count as duplicates instead.
/// </summary>
public sealed class BatchPlan(int batchRows, IReadOnlyDictionary<uint, RecordedBatch> done)
{
    public static BatchPlan Fresh(int batchRows) => new(batchRows, new Dictionary<uint, RecordedBatch>());

    public IReadOnlyDictionary<uint, RecordedBatch> Done => done;

    public bool IsDone(uint number) => done.ContainsKey(number);

    /// <summary>Rows of batch <paramref name="number"/>, which starts at row <paramref name="firstRow"/>.</summary>
    public long Rows(uint number, long firstRow)
    {
        if (!done.TryGetValue(number, out var recorded))
        {
            return Math.Min(batchRows, Math.Max(1L, batchRows / 8) << (int)Math.Min(number, 30));
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
