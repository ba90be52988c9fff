using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ReformMetrics.Store.Migrations;

/// <summary>
/// Refuses to start a long-running host on a store whose schema is behind the migrations this program carries. Without it
/// `reform serve` ran with every refresh pass failing on a table a pending migration creates (rollup_deltas, stop 30): no
/// figure moved, and only the log said why. Registered right after <see cref="StoreLifetime"/>, which opens the store.
/// </summary>
public sealed class SchemaCheck(ClickHouseStore store, ILogger<MigrationRunner> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var pending = await new MigrationRunner(store, logger).PendingAsync(Migration.LoadEmbedded(), cancellationToken).ConfigureAwait(false);
        if (pending.Count > 0)
        {
            throw new MigrationException(
                $"Kho {store.Database} chưa áp dụng {pending.Count} migration ({string.Join(", ", pending.Select(m => m.Name))}): "
                + "chạy reform migrate rồi khởi động lại reform serve.");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
