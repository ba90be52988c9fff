using System.Text.Json;
using ReformMetrics.Cli.Bench.Campaign;
using ReformMetrics.Store.Embedded;

namespace ReformMetrics.Cli.Bench.Faults;

/// <summary>The knobs of a fault run.</summary>
internal sealed record FaultsOptions(IReadOnlyList<string> Scenarios, int RecoverySeconds, long IngestEvents, int DiskMb, long Dossiers)
{
    public static readonly string[] All = [EngineKillDuringLoad.Name, EngineKillDuringIngest.Name, DiskFull.Name, ReportKill.Name, ScheduleKill.Name];
}

/// <summary>What every scenario of a fault run shares: the store, its data, a national account (the probe), a source key,
/// the run's tag, the options and the timings of every request.</summary>
internal sealed record FaultContext(CampaignTarget Target, StoreFacts Facts, Account National, SourceKey Source, string Tag, FaultsOptions Options, Timings Timings)
{
    public TimeSpan Recovery => TimeSpan.FromSeconds(Options.RecoverySeconds);

    /// <summary>The process id of the embedded engine serving <paramref name="store"/>, from run/engine.json (null: none runs).</summary>
    public static int? EnginePid(string store)
    {
        var layout = StoreLayout.For(store);
        if (FileLock.IsFree(layout.EngineLock) || !File.Exists(layout.StateFile))
        {
            return null;
        }

        try
        {
            using var state = JsonDocument.Parse(File.ReadAllText(layout.StateFile));
            return state.RootElement.EnumerateObject().FirstOrDefault(p => p.Name.Equals("pid", StringComparison.OrdinalIgnoreCase)) is
                { Value.ValueKind: JsonValueKind.Number } pid ? pid.Value.GetInt32() : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Waits until no engine holds the store (its last holder left), at most <paramref name="timeout"/>.</summary>
    public static async Task<bool> WaitEngineStoppedAsync(string store, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var layout = StoreLayout.For(store);
        var deadline = DateTime.UtcNow + timeout;
        while (!FileLock.IsFree(layout.EngineLock))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(200, cancellationToken);
        }

        return true;
    }

    /// <summary>True when a command's message carries a .NET stack trace (an error meant for developers, not users).</summary>
    public static bool HasStackTrace(string text) =>
        Hostile.LeakDetector.Find(text, contentType: null, clickHouseMessagesExpected: true).Contains(Hostile.LeakDetector.StackTrace);
}

/// <summary>A fault scenario: runs, says what happened, and returns its criteria.</summary>
internal interface IFaultScenario
{
    /// <summary>The name --scenarios takes.</summary>
    string Id { get; }

    Task<IReadOnlyList<Criterion>> RunAsync(FaultContext context, CancellationToken cancellationToken);
}
