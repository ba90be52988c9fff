using System.Diagnostics;
using ReformMetrics.Store.Embedded;

namespace ReformMetrics.TestSupport;

/// <summary>Runs the real `reform` executable as a separate process: reform.dll beside the tests, which only the test
/// projects that reference src/Cli have (Cli.Tests, Dashboard.Tests). Another program beside the tests (reform-engine)
/// runs the same way when given.</summary>
public static class ReformProcess
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    /// <summary>Starts reform without waiting. REFORM_CLICKHOUSE is removed unless given in <paramref name="environment"/>,
    /// so a test asking for the embedded engine gets it even when the suite runs against a server.</summary>
    public static Process Start(
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, bool redirect = true, ProgramCommand? program = null)
    {
        var command = program ?? ProgramCommand.Find("reform")
            ?? throw new InvalidOperationException($"reform.dll is not beside the tests in {AppContext.BaseDirectory}: reference src/Cli from this test project.");
        var start = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardOutput = redirect,
            RedirectStandardError = redirect,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.PrefixArguments.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("REFORM_CLICKHOUSE");
        start.Environment["NO_COLOR"] = "1";
        start.Environment["COLUMNS"] = "200";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("reform did not start");
        process.StandardInput.Close();
        return process;
    }

    public static async Task<Result> RunAsync(
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null,
        ProgramCommand? program = null)
    {
        using var process = Start(arguments, environment, program: program);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{(program is null ? "reform" : "the program")} {string.Join(' ', arguments)} did not finish in time. stderr: {await stderr}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>True once the process with this id has gone, died (a zombie) or its id was reused.</summary>
    public static async Task<bool> WaitUntilGoneAsync(int pid, TimeSpan timeout)
    {
        var startTime = Lease.ProcessStartTime(pid);
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (startTime is null || Lease.ProcessStartTime(pid) != startTime)
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }
}
