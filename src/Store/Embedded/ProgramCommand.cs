namespace ReformMetrics.Store.Embedded;

/// <summary>How to start a .NET program shipped beside the calling assembly: the running process itself when it is that
/// program, its application host when the caller runs from the same directory through its own host, else its dll run by
/// the dotnet host (tests and tools run under `dotnet`).</summary>
public sealed record ProgramCommand(string FileName, IReadOnlyList<string> PrefixArguments)
{
    /// <summary>The program <paramref name="assemblyName"/> beside the calling assembly, or null when it is not there.</summary>
    public static ProgramCommand? Find(string assemblyName)
    {
        var processPath = Environment.ProcessPath;
        if (processPath is not null && Path.GetFileNameWithoutExtension(processPath) == assemblyName)
        {
            return new ProgramCommand(processPath, []);
        }

        var directory = AppContext.BaseDirectory;
        // A host in the same directory found the runtime with this environment, so the program's own host will too; a
        // caller run by `dotnet` may have found it through PATH, which an application host does not search.
        var apphost = Path.Combine(directory, assemblyName);
        if (processPath is not null && Path.GetFileName(processPath) != "dotnet"
            && string.Equals(Path.GetDirectoryName(processPath), Path.TrimEndingDirectorySeparator(directory), StringComparison.Ordinal)
            && File.Exists(apphost))
        {
            return new ProgramCommand(apphost, []);
        }

        var dll = Path.Combine(directory, assemblyName + ".dll");
        if (!File.Exists(dll))
        {
            return null;
        }

        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (string.IsNullOrEmpty(dotnet) || !File.Exists(dotnet))
        {
            dotnet = processPath is not null && Path.GetFileNameWithoutExtension(processPath) == "dotnet" ? processPath : "dotnet";
        }

        return new ProgramCommand(dotnet, [dll]);
    }
}
