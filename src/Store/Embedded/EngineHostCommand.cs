namespace ReformMetrics.Store.Embedded;

/// <summary>How to start the engine process: the <c>reform-engine</c> program (src/Store.EngineHost) beside the calling
/// assembly. Whatever references Store and starts an embedded engine ships it: the <c>reform</c> executable, the tests.</summary>
public static class EngineHostCommand
{
    public const string AssemblyName = "reform-engine";

    public static ProgramCommand Resolve() =>
        ProgramCommand.Find(AssemblyName) ?? throw new EngineUnavailableException(
            $"Không tìm thấy chương trình {AssemblyName} cạnh {AppContext.BaseDirectory} để chạy bộ máy ClickHouse nhúng.");
}
