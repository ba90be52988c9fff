using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Store.Embedded;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Cli.Tests;

/// <summary>Separate `reform` processes sharing a store's engine, and one dying without cleanup. Each on a fresh store
/// directory; the engine itself is tested in Store.Tests (Embedded).</summary>
public sealed class EngineProcessTests : IDisposable
{
    private static readonly TimeSpan GoneWithin = TimeSpan.FromSeconds(10);
    private readonly StoreLayout _layout = StoreLayout.For(Directory.CreateTempSubdirectory("reform-engine-").FullName);

    public void Dispose() => Directory.Delete(_layout.Root, recursive: true);

    [Fact]
    public async Task A_second_reform_process_uses_the_running_engine_instead_of_failing()
    {
        await using var engine = await AttachAsync();

        var result = await ReformProcess.RunAsync(
            ["--store", _layout.Root, "sql", "SELECT getServerPort('http_port') AS port"], timeout: TimeSpan.FromMinutes(1));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(engine.State.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(engine.State.Pid, EngineState.Read(_layout.StateFile)?.Pid);
    }

    [Fact]
    public async Task Killing_reform_with_SIGKILL_leaves_no_engine_behind()
    {
        using var reform = ReformProcess.Start(["--store", _layout.Root, "engine", "exec", "--", "sleep", "120"]);
        var state = await WaitForStateAsync();
        var sleeper = Process.GetProcessesByName("sleep").Where(p => ParentOf(p.Id) == reform.Id).ToList();

        reform.Kill(entireProcessTree: false); // SIGKILL on Linux: no cleanup code runs in reform
        foreach (var child in sleeper)
        {
            child.Kill();
        }

        Assert.True(await ReformProcess.WaitUntilGoneAsync(state.Pid, GoneWithin), $"engine pid {state.Pid} still running");
        Assert.True(FileLock.IsFree(_layout.EngineLock));
    }

    private Task<EmbeddedEngine> AttachAsync() => EmbeddedEngine.AttachAsync(
        _layout, new EngineCache(EngineCache.DefaultRoot(), NullLogger.Instance), EngineHostCommand.Resolve(), "reform", 0, NullLogger.Instance, null,
        TestContext.Current.CancellationToken);

    private async Task<EngineState> WaitForStateAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            if (EngineState.Read(_layout.StateFile) is { } state)
            {
                return state;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException($"no engine came up in {_layout.Root}");
    }

    private static int ParentOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
