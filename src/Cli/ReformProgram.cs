using ReformMetrics.Store.Embedded;

namespace ReformMetrics.Cli;

/// <summary>How to run `reform` itself as a child process (benchmarks and campaigns measure it as operators run it): this
/// process when it is reform, else reform.dll beside the calling assembly (tests).</summary>
internal static class ReformProgram
{
    public static ProgramCommand Resolve() =>
        ProgramCommand.Find("reform") ?? throw new InvalidOperationException($"Không tìm thấy reform cạnh {AppContext.BaseDirectory}.");
}
