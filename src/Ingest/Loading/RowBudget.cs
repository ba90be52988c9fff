namespace ReformMetrics.Ingest.Loading;

/// <summary>
/// The rows every load of the process may hold in batches at once (read, waiting, being prepared or stored). A load's
/// reader takes its next batch's rows before reading it and gives them back when the batch is done, so loads running at
/// the same time share what one large file alone used to hold (four batches of 250,000 rows): memory does not grow with
/// the number of loads. Waiters are served in order, so a large batch is not passed over forever by small ones.
/// </summary>
public sealed class RowBudget(long capacity)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<(long Rows, TaskCompletionSource Granted)> _waiting = [];
    private long _available = capacity;

    public long Capacity { get; } = capacity;

    /// <summary>Takes <paramref name="rows"/> (at most the whole budget), waiting until they are free.</summary>
    public async Task<long> TakeAsync(long rows, CancellationToken cancellationToken)
    {
        rows = Math.Clamp(rows, 1, Capacity);
        TaskCompletionSource granted;
        LinkedListNode<(long, TaskCompletionSource)> node;
        lock (_lock)
        {
            if (_waiting.Count == 0 && _available >= rows)
            {
                _available -= rows;
                return rows;
            }

            granted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiting.AddLast((rows, granted));
        }

        await using (cancellationToken.Register(() =>
        {
            lock (_lock)
            {
                if (node.List is not null)
                {
                    _waiting.Remove(node);
                    granted.TrySetCanceled(cancellationToken);
                }
            }
        }))
        {
            await granted.Task.ConfigureAwait(false);
        }

        return rows;
    }

    /// <summary>Gives back rows taken with <see cref="TakeAsync"/>.</summary>
    public void Return(long rows)
    {
        if (rows <= 0)
        {
            return;
        }

        lock (_lock)
        {
            _available += rows;
            while (_waiting.First is { } first && first.Value.Rows <= _available)
            {
                _available -= first.Value.Rows;
                _waiting.RemoveFirst();
                first.Value.Granted.TrySetResult();
            }
        }
    }
}
