namespace ReformMetrics.Store.Cluster;

/// <summary>Polling for a process to have gone (or a lock to be free): the processes of a cluster are not this process's
/// children once <c>up</c> has returned, so there is nothing to wait on but the kernel's view of them.</summary>
internal static class ProcessWatch
{
    public static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            // Not cancellable on purpose: a stop that was asked for is seen through, or the cluster is left half-running.
            await Task.Delay(50).ConfigureAwait(false);
        }

        return true;
    }
}
