using System.Runtime.InteropServices;

namespace ReformMetrics.Store.Embedded;

/// <summary>The part of chDB's C API the engine host calls, bound at run time to the cached library.</summary>
internal sealed unsafe class Chdb
{
    private readonly delegate* unmanaged<int, byte**, nint> _queryCmdline;
    private readonly delegate* unmanaged<nint, byte*> _resultError;
    private readonly delegate* unmanaged<int, void> _setSignalHandlersEnabled;

    private Chdb(nint library)
    {
        _queryCmdline = (delegate* unmanaged<int, byte**, nint>)NativeLibrary.GetExport(library, "chdb_query_cmdline");
        _resultError = (delegate* unmanaged<nint, byte*>)NativeLibrary.GetExport(library, "chdb_result_error");
        _setSignalHandlersEnabled = (delegate* unmanaged<int, void>)NativeLibrary.GetExport(library, "chdb_set_signal_handlers_enabled");
    }

    public static Chdb Load(string libraryPath) => new(NativeLibrary.Load(libraryPath));

    /// <summary>Keeps ClickHouse from installing its own signal handlers over the .NET runtime's.</summary>
    public void DisableSignalHandlers() => _setSignalHandlersEnabled(0);

    /// <summary>Runs the clickhouse-local entry point; returns its error text, or null when it ended without one.</summary>
    public string? QueryCmdline(IReadOnlyList<string> arguments)
    {
        var argv = new nint[arguments.Count];
        try
        {
            for (var i = 0; i < arguments.Count; i++)
            {
                argv[i] = Marshal.StringToCoTaskMemUTF8(arguments[i]);
            }

            fixed (nint* pointers = argv)
            {
                var result = _queryCmdline(arguments.Count, (byte**)pointers);
                if (result == 0)
                {
                    return "chdb_query_cmdline returned no result";
                }

                var error = _resultError(result);
                return error == null ? null : Marshal.PtrToStringUTF8((nint)error);
            }
        }
        finally
        {
            foreach (var pointer in argv)
            {
                Marshal.FreeCoTaskMem(pointer);
            }
        }
    }
}
