using System.Runtime.InteropServices;

namespace ReformMetrics.Store.Embedded;

/// <summary>The few libc calls the engine needs that .NET does not expose.</summary>
internal static partial class Libc
{
    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;
    public const int LOCK_UN = 8;
    public const int ESRCH = 3;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;
    public const int EWOULDBLOCK = 11;
    public const int O_RDWR = 2;
    public const int O_CREAT = 0x40;
    public const int O_CLOEXEC = 0x80000;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags, int mode);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int flock(int fd, int operation);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int dup2(int oldfd, int newfd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int setsid();

    /// <summary>With signal 0: whether the process exists (0, or -1 with EPERM) or not (-1 with ESRCH); nothing is sent.</summary>
    [LibraryImport("libc", SetLastError = true)]
    public static partial int kill(int pid, int signal);
}
