using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ReformMetrics.Metrics.Query.Mirror;

/// <summary>
/// Loads the rollup mirror when `reform serve` starts and keeps it on the data's current version once a second, so that
/// neither the first page (a whole load takes seconds at national scale) nor the page after a refresh pays for it. The
/// version is the one the answers read (<see cref="KpiCache"/>, at most one small statement a second, shared with them);
/// a version already followed costs nothing more.
/// </summary>
public sealed class RollupMirrorFollower(RollupMirror mirror, KpiCache cache, IOptions<KpiOptions> options, ILogger<RollupMirrorFollower> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RollupMirror || !options.Value.InProcessFormulas)
        {
            return;
        }

        mirror.FollowedInBackground = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await mirror.AtAsync(await cache.CurrentAsync(stoppingToken).ConfigureAwait(false), stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The store unreachable or restarting: the questions fall back on it themselves; try again next second.
                logger.LogWarning(ex, "Rollup mirror: following the data version failed");
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
