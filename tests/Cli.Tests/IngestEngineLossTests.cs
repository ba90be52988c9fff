using System.Diagnostics;
using System.Globalization;
using ReformMetrics.Store.Embedded;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Cli.Tests;

/// <summary>
/// `reform ingest` whose embedded engine goes away mid-load (issue 20: the engine stopped under a live load and the command
/// exited 1 with nothing worth reading). The load must stop at once with a Vietnamese message saying what happened and that
/// running the command again is safe, and the second run must store every event once. Each test on a store of its own.
/// </summary>
public sealed class IngestEngineLossTests : IDisposable
{
    private const int Files = 6;
    private const int DossiersPerFile = 50_000; // 200,000 events a file: seconds of loading on 2 cores
    private readonly StoreLayout _layout = StoreLayout.For(Directory.CreateTempSubdirectory("reform-engine-loss-").FullName);
    private readonly string _data;

    public IngestEngineLossTests()
    {
        _data = Path.Combine(_layout.Root, "files");
        Directory.CreateDirectory(_data);
        for (var file = 0; file < Files; file++)
        {
            TestFiles.WriteCsv(_data, $"loss-{file}.csv", TestFiles.CsvRows("LOSS-", file * DossiersPerFile, DossiersPerFile));
        }
    }

    public void Dispose() => Directory.Delete(_layout.Root, recursive: true);

    [Theory]
    [InlineData("lease")] // the engine stops cleanly, believing nobody holds it: what issue 20's log showed
    [InlineData("kill")] // the engine dies (SIGKILL, the OOM killer)
    public async Task A_load_whose_engine_goes_away_says_so_in_Vietnamese_and_the_same_command_then_stores_every_event_once(string how)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        Assert.Equal(0, (await Reform(["migrate"], TimeSpan.FromMinutes(3))).ExitCode);
        string[] ingest = ["--store", _layout.Root, "ingest", _data, "--no-refresh"];
        var before = SizeOf(Path.Combine(_layout.DataDirectory, "store"));

        using var load = ReformProcess.Start(ingest);
        var stdout = load.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = load.StandardError.ReadToEndAsync(cancellationToken);
        var engine = await WaitUntilStoringAsync(load, before);
        Assert.False(load.HasExited, "the load ended before the engine could be stopped: make the files larger");
        var stoppedAt = Stopwatch.StartNew();
        if (how == "lease")
        {
            foreach (var lease in Directory.EnumerateFiles(_layout.LeaseDirectory))
            {
                File.Delete(lease);
            }
        }
        else
        {
            Process.Start("kill", ["-KILL", engine.Pid.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
        }

        await load.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
        var message = await stderr;
        await stdout;

        TestContext.Current.TestOutputHelper?.WriteLine(message);
        Assert.Equal(1, load.ExitCode);
        Assert.Contains($"Bộ máy ClickHouse nhúng (pid {engine.Pid}) đã dừng trong khi nạp loss-", message, StringComparison.Ordinal);
        Assert.Contains(_layout.LogFile, message, StringComparison.Ordinal);
        Assert.Contains("Chạy lại đúng lệnh này: các tệp đã nạp xong sẽ được bỏ qua, tệp đang nạp dở sẽ nạp tiếp từ lô chưa ghi, không sự kiện nào bị ghi hai lần.",
            message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal); // no stack trace
        // Said at once, not after a minute of retrying a process that is gone.
        Assert.True(stoppedAt.Elapsed < TimeSpan.FromSeconds(30), $"took {stoppedAt.Elapsed} to give up");

        var again = await Reform(ingest[2..], TimeSpan.FromMinutes(5));
        Assert.True(again.ExitCode == 0, again.StandardError);
        var counts = await Reform(
            ["sql", "SELECT count(), uniqExact(dossier_id, event_id) FROM events WHERE startsWith(dossier_id, 'LOSS-')", "--format", "TSV"],
            TimeSpan.FromMinutes(1));
        Assert.Equal($"{Files * DossiersPerFile * 4}\t{Files * DossiersPerFile * 4}", counts.StandardOutput.Trim());
    }

    private Task<ReformProcess.Result> Reform(string[] arguments, TimeSpan timeout) =>
        ReformProcess.RunAsync(["--store", _layout.Root, .. arguments], timeout: timeout);

    /// <summary>The engine of the load, once the load's first parts are on disk.</summary>
    private async Task<EngineState> WaitUntilStoringAsync(Process load, long before)
    {
        var events = Path.Combine(_layout.DataDirectory, "store");
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < deadline && !load.HasExited)
        {
            if (EngineState.Read(_layout.StateFile) is { } state && SizeOf(events) - before > 4 << 20)
            {
                return state;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException($"the load stored nothing in {_layout.Root}");
    }

    private static long SizeOf(string directory)
    {
        try
        {
            return new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f =>
            {
                try
                {
                    return f.Length;
                }
                catch (FileNotFoundException)
                {
                    return 0;
                }
            });
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or FileNotFoundException)
        {
            return 0;
        }
    }
}
