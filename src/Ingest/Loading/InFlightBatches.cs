namespace ReformMetrics.Ingest.Loading;

/// <summary>
/// The batches of every load of the process whose events are chosen but not yet stored, so that loads running at the
/// same time store each event once.
/// </summary>
/// <remarks>
/// <para>A batch about to be prepared joins the register and, in the same step (<see cref="Join"/>, under a lock), takes the
/// batches already there; then, outside the lock, it looks up its events in ClickHouse and drops those of the batches it
/// took. A batch leaves the register when its insert returned. So for two batches sharing an event, the one that joined
/// second either took the first (and drops the event, counted as a duplicate) or joined after the first's insert
/// returned, and then its look-up, made after joining, finds the event stored. The first never drops it for the second.</para>
/// <para>A batch that dropped events for others is stored only once they are: <see cref="Entry.Stored"/> completes after
/// the batch's own insert and those of the batches it counted on (which joined earlier: no cycle), and faults with any of
/// them. Its load records it only then, so a failure never leaves a recorded batch whose events are stored nowhere.</para>
/// <para>A batch's columns are read by the batches that took it; they go back to the pool only when it has left and none
/// reads them any more (<see cref="Entry.Unread"/>).</para>
/// </remarks>
public sealed class InFlightBatches
{
    private readonly Lock _lock = new();
    private readonly List<Entry> _entries = [];

    /// <summary>Registers <paramref name="batch"/> and returns, besides its entry, the batches registered before it, which
    /// its preparation must check in memory; release each with <see cref="Entry.DoneReading"/>.</summary>
    public (Entry Own, IReadOnlyList<Entry> Before) Join(IngestBatch batch)
    {
        lock (_lock)
        {
            var before = _entries.ToArray();
            foreach (var entry in before)
            {
                entry.Reading();
            }

            var own = new Entry(batch);
            _entries.Add(own);
            return (own, before);
        }
    }

    /// <summary>Takes a batch out of the register: its insert returned (a look-up from now on finds its events), or it failed
    /// or was given up (<paramref name="failure"/>), which fails the batches that counted on it.</summary>
    public void Leave(Entry entry, Exception? failure = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            _entries.Remove(entry);
        }

        entry.Left(failure);
    }

    /// <summary>A registered batch: its events (and their index), whether they are stored, and who still reads them.</summary>
    public sealed class Entry(IngestBatch batch)
    {
        private readonly TaskCompletionSource _stored = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _unread = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _readers;
        private int _left;

        public IngestBatch Batch { get; } = batch;

        /// <summary>Completes when the batch's events are stored and so are those it left to other batches; faults when
        /// any of those inserts failed.</summary>
        public Task Stored => _stored.Task;

        /// <summary>Completes once the batch has left the register and no batch reads its columns any more.</summary>
        public Task Unread => _unread.Task;

        internal void SetStored() => _stored.TrySetResult();

        internal void SetFailed(Exception failure) => _stored.TrySetException(failure);

        /// <summary>A batch that took this one has finished checking its events against it.</summary>
        public void DoneReading()
        {
            if (Interlocked.Decrement(ref _readers) == 0 && Volatile.Read(ref _left) == 1)
            {
                _unread.TrySetResult();
            }
        }

        internal void Reading() => Interlocked.Increment(ref _readers);

        internal void Left(Exception? failure)
        {
            if (failure is not null)
            {
                SetFailed(failure);
            }

            Interlocked.Exchange(ref _left, 1); // a full fence: the read below must not pass this write (see DoneReading)
            if (Volatile.Read(ref _readers) == 0)
            {
                _unread.TrySetResult();
            }
        }
    }
}
