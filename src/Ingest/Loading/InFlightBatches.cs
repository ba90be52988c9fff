namespace ReformMetrics.Ingest.Loading;

/// <summary>
/// The batches of every load of the process whose events are chosen but not yet stored, so that loads running at the
/// same time store each event once.
/// </summary>
/// <remarks>
/// A batch is prepared (looked up in <c>events</c>, checked against the batches registered here, then registered itself)
/// under one lock, <see cref="WaitAsync"/>; it leaves the register under the same lock once its insert returned. So for
/// two batches sharing an event, the one prepared second either finds the first registered (and drops the event, counted
/// as a duplicate) or prepares after the first's insert returned (and finds the event stored). The second must not be
/// recorded before the first is stored: it waits for the first's <see cref="Entry.Stored"/>, and fails with it. The lock
/// also keeps the shared <c>ingest_lookup</c> table to one user at a time, and makes it safe to reuse a batch's columns
/// once it left the register (nobody can be reading them). Holding it through the look-up (a round trip) is the price of
/// that simplicity: a look-up is a small part of a batch's time, so several loads still overlap their reading, inserting
/// and recording.
/// </remarks>
public sealed class InFlightBatches : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly List<Entry> _entries = [];

    /// <summary>Enters the lock under which batches are prepared and leave the register.</summary>
    public async Task<IDisposable> WaitAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(_lock);
    }

    /// <summary>The registered batches (call under the lock).</summary>
    public IReadOnlyList<Entry> Registered => _entries;

    /// <summary>Registers a prepared batch (call under the lock).</summary>
    public Entry Register(IngestBatch batch)
    {
        var entry = new Entry(batch);
        _entries.Add(entry);
        return entry;
    }

    /// <summary>Takes a batch out of the register once its insert returned (or failed: <paramref name="failure"/>), under the lock.</summary>
    public async Task LeaveAsync(Entry entry, Exception? failure)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using (await WaitAsync(CancellationToken.None).ConfigureAwait(false))
        {
            _entries.Remove(entry);
        }

        if (failure is null)
        {
            entry.SetStored();
        }
        else
        {
            entry.SetFailed(failure);
        }
    }

    public void Dispose() => _lock.Dispose();

    /// <summary>A registered batch: its events (and their index), and whether its insert succeeded.</summary>
    public sealed class Entry(IngestBatch batch)
    {
        private readonly TaskCompletionSource _stored = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IngestBatch Batch { get; } = batch;

        /// <summary>Completes when the batch's events are stored; faults when its insert failed.</summary>
        public Task Stored => _stored.Task;

        internal void SetStored() => _stored.TrySetResult();

        internal void SetFailed(Exception failure) => _stored.TrySetException(failure);
    }

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                semaphore.Release();
            }
        }
    }
}
