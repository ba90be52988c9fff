using System.Runtime.InteropServices;

namespace ReformMetrics.Store.Embedded;

/// <summary>
/// An exclusive advisory lock (flock) on a file. The kernel releases it when the holder dies,
/// which is what makes it safe for "one engine per directory" even after kill -9.
/// </summary>
public sealed class FileLock : IDisposable
{
    private int _fd;

    private FileLock(int fd, string path)
    {
        _fd = fd;
        Path = path;
    }

    public string Path { get; }

    /// <summary>Takes the lock if nobody holds it; returns null otherwise.</summary>
    public static FileLock? TryAcquire(string path)
    {
        var fd = Libc.open(path, Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC, Convert.ToInt32("644", 8));
        if (fd < 0)
        {
            throw new IOException($"Cannot open lock file {path}: errno {Marshal.GetLastPInvokeError()}");
        }

        if (Libc.flock(fd, Libc.LOCK_EX | Libc.LOCK_NB) == 0)
        {
            return new FileLock(fd, path);
        }

        var errno = Marshal.GetLastPInvokeError();
        Libc.close(fd);
        if (errno == Libc.EWOULDBLOCK)
        {
            return null;
        }

        throw new IOException($"Cannot lock {path}: errno {errno}");
    }

    /// <summary>Waits for the lock, polling, until the timeout or cancellation.</summary>
    public static async Task<FileLock> AcquireAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var fileLock = TryAcquire(path);
            if (fileLock is not null)
            {
                return fileLock;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for lock {path}");
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 200));
        }
    }

    /// <summary>True when nobody holds the lock at this instant.</summary>
    public static bool IsFree(string path)
    {
        if (!File.Exists(path))
        {
            return true;
        }

        using var probe = TryAcquire(path);
        return probe is not null;
    }

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            Libc.close(fd);
        }
    }
}
