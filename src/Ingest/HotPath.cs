using System.Runtime.CompilerServices;

namespace ReformMetrics.Ingest;

/// <summary>
/// How the per-row methods of a load are compiled: optimised by the JIT at their first call. The CLI is published
/// ReadyToRun, whose code may not inline across packages (Sep's row accessors, for one), and tiering would replace it
/// only once the JIT's background queue, full of start-up methods, gets to them. Measured on 2,000,000 events: with
/// this, the runtime's default tiering delay starts a command faster and uses less CPU than promoting every method at
/// once (CallCountingDelayMs=0), at the same load time (issue 5 closing note).
/// </summary>
internal static class HotPath
{
    public const MethodImplOptions Options = MethodImplOptions.AggressiveOptimization;
}
