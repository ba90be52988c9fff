using System.Runtime.InteropServices;

namespace ReformMetrics.Store.Embedded;

/// <summary>
/// Linux Landlock: an unprivileged process gives up file system access outside the paths it lists. Restrictions apply
/// to the calling thread and every thread it creates later, and can never be lifted.
/// </summary>
/// <remarks>
/// The embedded engine needs it because ClickHouse's local mode, which chDB runs, does not check the scalar
/// <c>file()</c> function against grants: without confinement any engine user could read any file the process can.
/// </remarks>
internal static unsafe partial class Landlock
{
    /// <summary>What a path may be used for.</summary>
    [Flags]
    public enum Access : ulong
    {
        Execute = 1 << 0,
        WriteFile = 1 << 1,
        ReadFile = 1 << 2,
        ReadDir = 1 << 3,
        RemoveDir = 1 << 4,
        RemoveFile = 1 << 5,
        MakeChar = 1 << 6,
        MakeDir = 1 << 7,
        MakeReg = 1 << 8,
        MakeSock = 1 << 9,
        MakeFifo = 1 << 10,
        MakeBlock = 1 << 11,
        MakeSym = 1 << 12,
        Refer = 1 << 13,
        Truncate = 1 << 14,
        IoctlDev = 1 << 15,

        /// <summary>Reading files and listing directories.</summary>
        Read = ReadFile | ReadDir,

        /// <summary>Reading and mapping executable code (shared libraries, the .NET runtime).</summary>
        ReadExecute = Read | Execute,

        /// <summary>Everything a data directory needs: create, write, rename, remove.</summary>
        ReadWrite = ReadFile | ReadDir | WriteFile | RemoveDir | RemoveFile | MakeDir | MakeReg | MakeSym | MakeSock | MakeFifo | Refer | Truncate,

        /// <summary>The rights that apply to a regular file (a rule on a file may hold only these).</summary>
        FileRights = Execute | WriteFile | ReadFile | Truncate | IoctlDev,
    }

    private const long SysCreateRuleset = 444;
    private const long SysAddRule = 445;
    private const long SysRestrictSelf = 446;
    private const int CreateRulesetVersion = 1;
    private const int RulePathBeneath = 1;
    private const int PrSetNoNewPrivs = 38;
    private const int OPath = 0x200000;

    /// <summary>The Landlock ABI version of the running kernel, or 0 when Landlock is missing or disabled.</summary>
    public static int AbiVersion()
    {
        var version = syscall(SysCreateRuleset, 0, 0, CreateRulesetVersion);
        return version > 0 ? (int)version : 0;
    }

    /// <summary>
    /// Confines the calling thread (and the threads it starts from now on) to the given paths. Paths that do not exist
    /// are skipped. Returns null on success, else why it could not (the thread is then unchanged).
    /// </summary>
    public static string? ConfineCurrentThread(IEnumerable<(string Path, Access Access)> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var abi = AbiVersion();
        if (abi == 0)
        {
            return "the kernel has no Landlock (Linux 5.13 or later, with landlock among its security modules)";
        }

        var handled = Supported(abi);
        var attr = new RulesetAttr { HandledAccessFs = (ulong)handled };
        // ABI 1-3 know only the first field; later ones accept the larger structure.
        var ruleset = (int)syscall(SysCreateRuleset, (nint)(&attr), abi >= 4 ? sizeof(RulesetAttr) : sizeof(ulong), 0);
        if (ruleset < 0)
        {
            return $"landlock_create_ruleset failed (errno {Marshal.GetLastPInvokeError()})";
        }

        try
        {
            foreach (var (path, access) in rules)
            {
                if (AddRule(ruleset, path, access & handled) is { } problem)
                {
                    return problem;
                }
            }

            if (prctl(PrSetNoNewPrivs, 1, 0, 0, 0) != 0)
            {
                return $"prctl(PR_SET_NO_NEW_PRIVS) failed (errno {Marshal.GetLastPInvokeError()})";
            }

            return syscall(SysRestrictSelf, ruleset, 0, 0) == 0 ? null : $"landlock_restrict_self failed (errno {Marshal.GetLastPInvokeError()})";
        }
        finally
        {
            close(ruleset);
        }
    }

    private static string? AddRule(int ruleset, string path, Access access)
    {
        if (!Path.Exists(path))
        {
            return null;
        }

        var fd = open(path, OPath | Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            return $"cannot open {path} (errno {Marshal.GetLastPInvokeError()})";
        }

        try
        {
            var rule = new PathBeneathAttr
            {
                AllowedAccess = (ulong)(Directory.Exists(path) ? access : access & Access.FileRights),
                ParentFd = fd,
            };
            return syscall(SysAddRule, ruleset, RulePathBeneath, (nint)(&rule), 0) == 0
                ? null
                : $"landlock_add_rule for {path} failed (errno {Marshal.GetLastPInvokeError()})";
        }
        finally
        {
            close(fd);
        }
    }

    private static Access Supported(int abi)
    {
        var access = (Access)((1UL << 13) - 1);
        if (abi >= 2)
        {
            access |= Access.Refer;
        }

        if (abi >= 3)
        {
            access |= Access.Truncate;
        }

        if (abi >= 5)
        {
            access |= Access.IoctlDev;
        }

        return access;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RulesetAttr
    {
        public ulong HandledAccessFs;
        public ulong HandledAccessNet;
        public ulong Scoped;
    }

    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    private struct PathBeneathAttr
    {
        public ulong AllowedAccess;
        public int ParentFd;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial long syscall(long number, nint a, nint b, nint c);

    [LibraryImport("libc", SetLastError = true)]
    private static partial long syscall(long number, nint a, nint b, nint c, nint d);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int prctl(int option, nint a, nint b, nint c, nint d);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, int mode);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
