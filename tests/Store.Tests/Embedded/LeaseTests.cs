using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Store.Embedded;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Store.Tests.Embedded;

/// <summary>
/// When a holder counts as alive (issue 20: an engine stopped with "no process holds it any more" under a live load).
/// Holders here are real processes (<c>sleep</c>) with lease files named as <see cref="Lease.Take"/> names them.
/// </summary>
public sealed class LeaseTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("reform-leases-").FullName;
    private readonly List<Process> _processes = [];

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }

            process.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void A_live_holder_whose_proc_entry_cannot_be_read_keeps_its_lease()
    {
        var holder = Sleeper();
        var lease = LeaseFor(holder);

        // The check runs on a thread that Landlock lets see the lease directory alone: reading /proc/PID/stat fails with
        // EACCES, as a read can fail under a loaded engine (EMFILE, ENOMEM). It proves nothing about the holder, which
        // runs on. Before the fix that failure counted as death: the lease was deleted and the engine stopped.
        var (live, messages) = CountLiveConfinedTo(_directory);

        Assert.Equal(1, live);
        Assert.True(File.Exists(lease), "the live holder's lease was deleted");
        Assert.Contains(messages, m => m.Contains("counted as alive", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_holder_that_is_gone_loses_its_lease_even_when_proc_cannot_be_read()
    {
        var holder = Sleeper();
        var lease = LeaseFor(holder);
        holder.Kill();
        await holder.WaitForExitAsync(TestContext.Current.CancellationToken); // reaped: no zombie left

        var (live, messages) = CountLiveConfinedTo(_directory);

        Assert.Equal(0, live);
        Assert.False(File.Exists(lease));
        Assert.Contains(messages, m => m.Contains("removed", StringComparison.Ordinal) && m.Contains("is gone", StringComparison.Ordinal));
    }

    [Fact]
    public void A_recycled_pid_does_not_keep_a_lease()
    {
        var holder = Sleeper();
        var lease = Path.Combine(_directory, $"{holder.Id}.1.{Guid.NewGuid():N}"); // the same pid, another start time

        File.WriteAllText(lease, string.Empty);

        Assert.Equal(0, Lease.CountLive(_directory));
        Assert.False(File.Exists(lease));
    }

    [Fact]
    public async Task A_stopped_holder_that_renews_nothing_keeps_the_engine_running()
    {
        // The starvation of issue 20 at its worst: a holder that runs no code at all (SIGSTOP) for longer than the engine's
        // checks take to notice a dead one. Liveness comes from the kernel, so the engine stays.
        var layout = StoreLayout.For(Path.Combine(_directory, "store"));
        var engine = await EmbeddedEngine.AttachAsync(
            layout, new EngineCache(EngineCache.DefaultRoot(), NullLogger.Instance), EngineHostCommand.Resolve(), "reform", 0, NullLogger.Instance, null,
            TestContext.Current.CancellationToken);
        var holder = Sleeper();
        LeaseFor(holder, layout.LeaseDirectory);
        Process.Start("kill", ["-STOP", holder.Id.ToString(CultureInfo.InvariantCulture)]).WaitForExit();
        await engine.DisposeAsync(); // our own lease goes: the stopped process is the only holder left

        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);

        Assert.True(engine.IsAlive, "the engine stopped while a stopped (not dead) process held it");
        Assert.Equal(engine.State.Pid, EngineState.Read(layout.StateFile)?.Pid);
        holder.Kill();
        Assert.True(await ReformProcess.WaitUntilGoneAsync(engine.State.Pid, TimeSpan.FromSeconds(15)), "the engine outlived its last holder");
    }

    private Process Sleeper()
    {
        var process = Process.Start(new ProcessStartInfo("sleep", "600") { UseShellExecute = false })!;
        _processes.Add(process);
        return process;
    }

    private string LeaseFor(Process holder, string? directory = null)
    {
        directory ??= _directory;
        Directory.CreateDirectory(directory);
        var startTime = Lease.ProcessStartTime(holder.Id) ?? throw new InvalidOperationException("the holder is not running");
        var path = Path.Combine(directory, $"{holder.Id}.{startTime}.{Guid.NewGuid():N}");
        File.WriteAllText(path, string.Empty);
        return path;
    }

    /// <summary>Lease.CountLive on a thread of its own, confined by Landlock to <paramref name="directory"/>: /proc is out of its reach.</summary>
    private static (int Live, List<string> Messages) CountLiveConfinedTo(string directory)
    {
        Assert.True(Landlock.AbiVersion() > 0, "these tests need Landlock (Linux 5.13 or later), as the engine's confinement does");
        var messages = new List<string>();
        Lease.CountLive(Path.Combine(directory, "warm-up"), messages.Add); // run the code once before the thread loses the file system
        var live = -1;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                var refused = Landlock.ConfineCurrentThread([(directory, Landlock.Access.ReadWrite)]);
                Assert.Null(refused);
                Assert.ThrowsAny<UnauthorizedAccessException>(() => File.ReadAllText("/proc/self/stat"));
                live = Lease.CountLive(directory, messages.Add);
            }
#pragma warning disable CA1031 // Handed to the test thread below.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failure = ex;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw new InvalidOperationException("the confined check failed", failure);
        }

        return (live, messages);
    }
}
