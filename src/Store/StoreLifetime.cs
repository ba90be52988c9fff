using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ReformMetrics.Store;

/// <summary>Opens the store when a long-running host starts (before the services that need it), keeps the embedded
/// engine running (a killed or crashed engine is started again within a second or two), and releases the store (and the
/// engine) when the host stops.</summary>
public sealed class StoreLifetime(ClickHouseStore store, ILogger<StoreLifetime> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(1);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _watch;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.OpenAsync(null, cancellationToken).ConfigureAwait(false);
        if (store.Engine is not null)
        {
            store.RestartsEngine = true;
            _watch = WatchAsync(_stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_watch is not null)
        {
            await _watch.ConfigureAwait(false);
        }

        await store.DisposeAsync().ConfigureAwait(false);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(WatchInterval, cancellationToken).ConfigureAwait(false);
                await store.RestartEngineIfGoneAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed restart is retried at the next tick; the watch must not end.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                logger.LogError(ex, "Could not start the embedded engine again; retrying");
            }
        }
    }
}
