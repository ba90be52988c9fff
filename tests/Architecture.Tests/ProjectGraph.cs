namespace ReformMetrics.Architecture.Tests;

/// <summary>
/// The allowed project graph, written once. Data flows one way (source files → Ingest → ClickHouse → Metrics → Dashboard
/// or Reports); Store knows none of the others; only the projects that serve HTTP use ASP.NET Core; the tests of Store,
/// Ingest and Metrics build without the CLI and the dashboard. docs/architecture.md shows the same table, and
/// <see cref="DependencyTests"/> fails when the two differ or when a csproj or an assembly steps outside it.
/// </summary>
public static class ProjectGraph
{
    public const string AspNetCore = "Microsoft.AspNetCore.App";

    /// <summary>What a project may reference directly (ProjectReference), and whether it may use ASP.NET Core, itself or
    /// through what it references.</summary>
    public sealed record Allowed(IReadOnlyList<string> References, bool Web = false);

    public static readonly IReadOnlyDictionary<string, Allowed> Projects = new Dictionary<string, Allowed>(StringComparer.Ordinal)
    {
        ["Store"] = new([]),
        ["Store.EngineHost"] = new(["Store"]),
        ["Ingest"] = new(["Store"], Web: true), // the HTTP intake (POST /api/events)
        ["Synthetic"] = new(["Store"]),
        ["Metrics"] = new(["Store"]),
        ["Reports"] = new(["Metrics"]),
        ["Dashboard"] = new(["Metrics", "Reports"], Web: true),
        ["Cli"] = new(["Store", "Store.EngineHost", "Ingest", "Synthetic", "Metrics", "Reports", "Dashboard"], Web: true),

        // Ingest for Ingestors (events loaded as ingestion loads them), which brings ASP.NET Core to every test project.
        ["TestSupport"] = new(["Store", "Store.EngineHost", "Ingest"], Web: true),
        ["Store.Tests"] = new(["Store", "TestSupport"], Web: true),
        ["Ingest.Tests"] = new(["Ingest", "TestSupport"], Web: true),
        ["Synthetic.Tests"] = new(["Synthetic", "Ingest", "TestSupport"], Web: true),
        ["Metrics.Tests"] = new(["Metrics", "Synthetic", "Ingest", "TestSupport"], Web: true),
        ["Reports.Tests"] = new(["Reports", "TestSupport"], Web: true),
        // Some run `reform serve` as a process, so reform.dll must be beside them.
        ["Dashboard.Tests"] = new(["Dashboard", "Cli", "Synthetic", "TestSupport"], Web: true),
        ["Cli.Tests"] = new(["Cli", "TestSupport"], Web: true),
        ["Architecture.Tests"] = new(["Store", "Store.EngineHost", "Ingest", "Synthetic", "Metrics", "Reports", "Dashboard", "Cli"], Web: true),
    };

    /// <summary>Every project <paramref name="name"/> reaches through the graph, itself excluded.</summary>
    public static IReadOnlySet<string> Closure(string name)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(Projects[name].References);
        while (pending.TryPop(out var next))
        {
            if (reached.Add(next))
            {
                foreach (var reference in Projects[next].References)
                {
                    pending.Push(reference);
                }
            }
        }

        return reached;
    }
}
