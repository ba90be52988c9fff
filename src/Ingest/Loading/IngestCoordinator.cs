using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using ReformMetrics.Ingest.Limits;
using ReformMetrics.Store;
using ReformMetrics.Store.Embedded;

namespace ReformMetrics.Ingest.Loading;

/// <summary>
/// What the loads of one process share so that independent sources (files, request bodies) load at the same time and
/// every event is still stored exactly once (issue 20: a file used to wait for the one before it, and the ~60 ms of round
/// trips each costs were paid one after the other).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>At most <see cref="Degree"/> sources load at once; the same source (file key) never twice at once.</item>
/// <item>Across processes on an embedded store, run/ingest.lock is held while any load of this process runs.</item>
/// <item>Batches whose events are prepared but not yet stored are registered (<see cref="InFlightBatches"/>): a batch
/// prepared later checks their events in memory, since the look-up in ClickHouse cannot see them yet, and waits for
/// their insert before it is recorded.</item>
/// <item>The rows held in batches by every load together stay under <see cref="IntakeOptions.MaxRowsInFlight"/>, and
/// batch columns and Native block buffers are reused across loads: memory does not grow with the degree.</item>
/// </list>
/// </remarks>
public sealed class IngestCoordinator : IDisposable
{
    private readonly SemaphoreSlim _places;
    private readonly SemaphoreSlim _crossProcess = new(1, 1);
    private readonly Lock _keysLock = new();
    private readonly Dictionary<string, KeyGate> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<EventColumns> _columns = [];
    private readonly ConcurrentBag<NativeBlockWriter> _writers = [];
    private int _active;
    private FileLock? _ingestLock;

    public IngestCoordinator(IOptions<IntakeOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Degree = options.Value.ConcurrentLoads > 0 ? options.Value.ConcurrentLoads : DefaultDegree;
        _places = new SemaphoreSlim(Degree, Degree);
        Rows = new RowBudget(options.Value.MaxRowsInFlight);
    }

    /// <summary>Sources loaded at once when not configured: one more than the cores, at least 2 and at most 4. A load
    /// alternates between work here (reading, validating) and waiting for ClickHouse, so two cores keep three busy.</summary>
    public static int DefaultDegree => Math.Clamp(Environment.ProcessorCount + 1, 2, 4);

    public int Degree { get; }

    public InFlightBatches InFlight { get; } = new();

    public RowBudget Rows { get; }

    /// <summary>A place among the loads that run at once, for the source <paramref name="fileKey"/>: waits while the same
    /// source is loading (the second then finds it done), then for a free place. On an embedded store the first load of
    /// the process also takes run/ingest.lock, which the last releases: two processes never load at the same moment.</summary>
    public async Task<IAsyncDisposable> EnterAsync(ClickHouseStore store, string fileKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var key = KeyLock(fileKey, add: true);
        var entered = new List<Func<Task>>
        {
            () =>
            {
                KeyLock(fileKey, add: false);
                return Task.CompletedTask;
            },
        };
        try
        {
            await key.WaitAsync(cancellationToken).ConfigureAwait(false);
            entered.Add(() =>
            {
                key.Release();
                return Task.CompletedTask;
            });
            await _places.WaitAsync(cancellationToken).ConfigureAwait(false);
            entered.Add(() =>
            {
                _places.Release();
                return Task.CompletedTask;
            });
            await JoinAsync(store, cancellationToken).ConfigureAwait(false);
            entered.Add(LeaveAsync);
            return new Place(entered);
        }
        catch
        {
            await new Place(entered).DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Columns for a batch, reused from an earlier batch when one is free.</summary>
    public EventColumns RentColumns() => _columns.TryTake(out var columns) ? columns : new EventColumns();

    public void ReturnColumns(EventColumns columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        columns.Clear();
        // Enough for every load's batches in flight (four each); more would only hold memory.
        if (_columns.Count < 4 * Degree)
        {
            _columns.Add(columns);
        }
    }

    public NativeBlockWriter RentWriter() => _writers.TryTake(out var writer) ? writer : new NativeBlockWriter();

    public void ReturnWriter(NativeBlockWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (_writers.Count < Degree)
        {
            _writers.Add(writer);
        }
    }

    public void Dispose()
    {
        _places.Dispose();
        _crossProcess.Dispose();
        InFlight.Dispose();
        _ingestLock?.Dispose();
    }

    /// <summary>The gate of a source key, counted: taken (<paramref name="add"/>) before waiting on it, given back after
    /// releasing it, forgotten when nobody uses it.</summary>
    private SemaphoreSlim KeyLock(string fileKey, bool add)
    {
        lock (_keysLock)
        {
            if (!_keys.TryGetValue(fileKey, out var gate))
            {
                _keys[fileKey] = gate = new KeyGate();
            }

            gate.Users += add ? 1 : -1;
            if (gate.Users == 0)
            {
                _keys.Remove(fileKey);
                gate.Semaphore.Dispose();
            }

            return gate.Semaphore;
        }
    }

    private sealed class KeyGate
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private async Task JoinAsync(ClickHouseStore store, CancellationToken cancellationToken)
    {
        await _crossProcess.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_active == 0 && store.Engine is { } engine)
            {
                _ingestLock = await FileLock.AcquireAsync(Path.Combine(engine.Layout.RunDirectory, "ingest.lock"), TimeSpan.FromHours(6), cancellationToken)
                    .ConfigureAwait(false);
            }

            _active++;
        }
        finally
        {
            _crossProcess.Release();
        }
    }

    private async Task LeaveAsync()
    {
        await _crossProcess.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (--_active == 0)
            {
                _ingestLock?.Dispose();
                _ingestLock = null;
            }
        }
        finally
        {
            _crossProcess.Release();
        }
    }

    private sealed class Place(List<Func<Task>> entered) : IAsyncDisposable
    {
        private int _disposed;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                for (var i = entered.Count - 1; i >= 0; i--)
                {
                    await entered[i]().ConfigureAwait(false);
                }
            }
        }
    }
}
