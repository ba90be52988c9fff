namespace ReformMetrics.Store.Embedded;

/// <summary>How to start <c>reform engine host</c>: the running reform executable itself, or reform.dll beside
/// the calling assembly (tests, tools) run by the dotnet host.</summary>
public sealed record EngineHostCommand(string FileName, IReadOnlyList<string> PrefixArguments)
{
    public const string AssemblyName = "reform";

    public static EngineHostCommand Resolve()
    {
        var processPath = Environment.ProcessPath;
        if (processPath is not null && Path.GetFileNameWithoutExtension(processPath) == AssemblyName)
        {
            return new EngineHostCommand(processPath, []);
        }

        var dll = Path.Combine(AppContext.BaseDirectory, AssemblyName + ".dll");
        if (!File.Exists(dll))
        {
            throw new EngineUnavailableException(
                $"Không tìm thấy {AssemblyName}.dll cạnh {AppContext.BaseDirectory} để chạy bộ máy ClickHouse nhúng.");
        }

        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (string.IsNullOrEmpty(dotnet) || !File.Exists(dotnet))
        {
            dotnet = processPath is not null && Path.GetFileNameWithoutExtension(processPath) == "dotnet" ? processPath : "dotnet";
        }

        return new EngineHostCommand(dotnet, [dll]);
    }
}
