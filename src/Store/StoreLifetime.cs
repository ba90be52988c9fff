using Microsoft.Extensions.Hosting;

namespace ReformMetrics.Store;

/// <summary>Opens the store when a long-running host starts (before the services that need it) and releases it
/// (and the embedded engine) when the host stops.</summary>
public sealed class StoreLifetime(ClickHouseStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.OpenAsync(null, cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken) => await store.DisposeAsync().ConfigureAwait(false);
}
