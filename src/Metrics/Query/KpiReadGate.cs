namespace ReformMetrics.Metrics.Query;

/// <summary>
/// At most <see cref="KpiOptions.ConcurrentReads"/> answers computed by the engine at once, for every reader of a process
/// (pages, API, reports). The others wait here, in order, rather than in the engine: there, a hundred statements of
/// sixteen dashboard clients shared the CPU evenly with the two or three of the feed (loads and the refresh), which then
/// got a few per cent of it (issue 20: on a 20 M-dossier store the feed took 531 of 3,000 events/s with a freshness lag
/// p95 of 153 s under 16 readers, against 2,986 events/s and 9 s without them). An answer waits about as long as
/// before; the feed gets its share.
/// </summary>
public sealed class KpiReadGate : IDisposable
{
    private readonly SemaphoreSlim slots;

    public KpiReadGate(int slots)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        this.slots = new SemaphoreSlim(slots, slots);
        Slots = slots;
    }

    /// <summary>The gate of <see cref="KpiOptions.ConcurrentReads"/> (0: the machine's cores, at least 2).</summary>
    public static KpiReadGate From(KpiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new KpiReadGate(options.ConcurrentReads > 0 ? options.ConcurrentReads : Math.Max(2, Environment.ProcessorCount));
    }

    public int Slots { get; }

    /// <summary>Waits for a place; disposing the result gives it back.</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Slot(slots);
    }

    public void Dispose() => slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
