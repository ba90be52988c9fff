using ClickHouse.Driver;
using Microsoft.Extensions.Logging;
using ReformMetrics.Store;
using ReformMetrics.Store.Embedded;

namespace ReformMetrics.Ingest.Loading;

/// <summary>Runs a store call again, with exponential backoff, while ClickHouse is unreachable or overloaded.
/// Safe for inserts because each carries a deduplication token: a retried insert that did arrive is dropped.</summary>
public static class Retry
{
    // TIMEOUT_EXCEEDED, MEMORY_LIMIT_EXCEEDED, TOO_MANY_PARTS, TOO_MANY_SIMULTANEOUS_QUERIES, SOCKET_TIMEOUT, NETWORK_ERROR
    private static readonly HashSet<int> TransientCodes = [159, 241, 252, 202, 209, 210];

    /// <summary>Runs <paramref name="action"/> until it succeeds, it fails for good, or <paramref name="attempts"/> are spent.
    /// An embedded engine that has stopped, with nobody to start it again (<see cref="ClickHouseStore.EngineLost"/>), ends
    /// the retries at once with <see cref="EngineStoppedException"/>: waiting a minute for a process that is gone helps no one.</summary>
    public static async Task<T> RunAsync<T>(
        ClickHouseStore store, string what, Func<CancellationToken, Task<T>> action, ILogger logger, CancellationToken cancellationToken, int attempts = 8)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(action);
        var delay = TimeSpan.FromMilliseconds(500);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await action(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken) && store.EngineLost)
            {
                throw new EngineStoppedException(store.Engine!, ex);
            }
            catch (Exception ex) when (attempt < attempts && IsTransient(ex, cancellationToken))
            {
                logger.LogWarning("{What} failed ({Error}); retry {Attempt}/{Attempts} in {Delay} s",
                    what, ex.Message.Split('\n')[0], attempt, attempts - 1, delay.TotalSeconds);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    public static Task RunAsync(ClickHouseStore store, string what, Func<CancellationToken, Task> action, ILogger logger, CancellationToken cancellationToken) =>
        RunAsync(store, what, async token =>
        {
            await action(token).ConfigureAwait(false);
            return true;
        }, logger, cancellationToken);

    public static bool IsTransient(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        HttpRequestException => true,
        TaskCanceledException => !cancellationToken.IsCancellationRequested,
        IOException => true,
        ClickHouseServerException server => TransientCodes.Contains(server.ErrorCode),
        _ => false,
    };
}
