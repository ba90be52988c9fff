using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace ReformMetrics.Architecture.Tests;

/// <summary>Every csproj and every compiled assembly of the repository stays inside <see cref="ProjectGraph"/>, and
/// docs/architecture.md draws that same graph.</summary>
public sealed partial class DependencyTests
{
    private static readonly string Root = FindRoot();
    private static readonly IReadOnlyDictionary<string, ProjectFile> Files = ProjectFile.ReadAll(Root);

    /// <summary>The section of docs/architecture.md whose tables are the graph; tables elsewhere are not read.</summary>
    private const string GraphSection = "## Projects and their dependencies";

    [Fact]
    public void Every_project_of_the_repository_has_its_place_in_the_graph_and_the_solution()
    {
        var solution = File.ReadAllText(Path.Combine(Root, "ReformMetrics.sln")).Replace('\\', '/');

        Assert.Equal(ProjectGraph.Projects.Keys.Order(StringComparer.Ordinal), Files.Keys.Order(StringComparer.Ordinal));
        Assert.All(Files.Values, file => Assert.True(
            solution.Contains(Path.GetRelativePath(Root, file.Csproj), StringComparison.Ordinal), $"{file.Csproj} is not in ReformMetrics.sln"));
    }

    [Fact]
    public void Every_project_reference_is_one_the_graph_allows()
    {
        var forbidden = Files.Values
            .SelectMany(file => file.References
                .Where(target => !ProjectGraph.Projects[file.Name].References.Contains(target))
                .Select(target => $"{file.Name} references {target}; the graph allows {file.Name} → {Allowed(file.Name)}"))
            .ToList();

        Assert.True(forbidden.Count == 0, Explain(forbidden));
    }

    [Fact]
    public void ASP_NET_Core_reaches_only_the_projects_that_serve_HTTP()
    {
        var forbidden = new List<string>();
        foreach (var file in Files.Values)
        {
            // A framework reference flows to every project that references this one, so what counts is the closure.
            foreach (var (framework, through) in Frameworks(file.Name))
            {
                var how = through == file.Name ? "itself" : $"through {through}";
                if (framework != ProjectGraph.AspNetCore)
                {
                    forbidden.Add($"{file.Name} uses {framework} ({how}), which the graph does not know");
                }
                else if (!ProjectGraph.Projects[file.Name].Web)
                {
                    forbidden.Add($"{file.Name} uses ASP.NET Core ({how}); the graph keeps it out of {file.Name}");
                }
            }
        }

        Assert.True(forbidden.Count == 0, Explain(forbidden));
    }

    [Fact]
    public void Compiled_assemblies_reference_only_what_the_graph_allows()
    {
        var projectOfAssembly = Files.Values.ToDictionary(f => f.AssemblyName, f => f.Name, StringComparer.Ordinal);
        var forbidden = new List<string>();
        var sources = Files.Values.Where(f => f.IsSource).ToList();
        Assert.NotEmpty(sources);
        foreach (var file in sources)
        {
            // Code may use what it reaches through its references (Reports uses Store's types), never more.
            var reachable = ProjectGraph.Closure(file.Name);
            foreach (var reference in ReferencedAssemblies(Path.Combine(AppContext.BaseDirectory, file.AssemblyName + ".dll")))
            {
                if (projectOfAssembly.TryGetValue(reference, out var project) && project != file.Name && !reachable.Contains(project))
                {
                    forbidden.Add($"{file.AssemblyName}.dll uses {reference}.dll ({project}); the graph allows {file.Name} → {Allowed(file.Name)}");
                }
                else if (reference.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal) && !ProjectGraph.Projects[file.Name].Web)
                {
                    forbidden.Add($"{file.AssemblyName}.dll uses {reference}.dll; the graph keeps ASP.NET Core out of {file.Name}");
                }
            }
        }

        Assert.True(forbidden.Count == 0, Explain(forbidden));
    }

    [Fact]
    public void Docs_architecture_shows_the_graph_the_tests_check()
    {
        var documented = new Dictionary<string, ProjectGraph.Allowed>(StringComparer.Ordinal);
        var inSection = false;
        foreach (var line in File.ReadLines(Path.Combine(Root, "docs", "architecture.md")))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                inSection = line == GraphSection;
            }
            else if (inSection && TableRow().Match(line) is { Success: true } row)
            {
                var references = Code().Matches(row.Groups["references"].Value).Select(m => m.Groups[1].Value).ToList();
                documented.Add(row.Groups["project"].Value, new ProjectGraph.Allowed(references, row.Groups["web"].Value.Trim() == "yes"));
            }
        }

        Assert.Equal(Describe(ProjectGraph.Projects), Describe(documented));
    }

    private static string Allowed(string name) =>
        ProjectGraph.Projects[name].References is { Count: > 0 } allowed ? string.Join(", ", allowed) : "nothing";

    private static string Explain(List<string> forbidden) =>
        "Outside the allowed project graph (tests/Architecture.Tests/ProjectGraph.cs, docs/architecture.md):"
        + Environment.NewLine + string.Join(Environment.NewLine, forbidden);

    private static List<string> Describe(IReadOnlyDictionary<string, ProjectGraph.Allowed> graph) =>
        [.. graph.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key} → {string.Join(", ", p.Value.References.Order(StringComparer.Ordinal))}{(p.Value.Web ? " + ASP.NET Core" : "")}")];

    /// <summary>The shared frameworks a project gets, each with the project that brings it.</summary>
    private static IEnumerable<(string Framework, string Through)> Frameworks(string name)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([name]);
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next) || !Files.TryGetValue(next, out var file))
            {
                continue;
            }

            foreach (var framework in file.Frameworks)
            {
                yield return (framework, next);
            }

            foreach (var reference in file.References)
            {
                pending.Push(reference);
            }
        }
    }

    private static List<string> ReferencedAssemblies(string path)
    {
        Assert.True(File.Exists(path), $"{path} is missing: the test project references every src project to have it here");
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        return [.. metadata.AssemblyReferences.Select(handle => metadata.GetString(metadata.GetAssemblyReference(handle).Name))];
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ReformMetrics.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No ReformMetrics.sln above {AppContext.BaseDirectory}");
    }

    // | `Metrics` | `Store` | | what it owns |
    [GeneratedRegex(@"^\|\s*`(?<project>[A-Za-z.]+)`\s*\|(?<references>[^|]*)\|(?<web>[^|]*)\|")]
    private static partial Regex TableRow();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Code();

    private sealed record ProjectFile(string Name, string Csproj, string AssemblyName, IReadOnlyList<string> References, IReadOnlyList<string> Frameworks, bool IsSource)
    {
        public static Dictionary<string, ProjectFile> ReadAll(string root) =>
            new[] { "src", "tests" }
                .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*.csproj", SearchOption.AllDirectories)
                    .Where(path => !path.Contains("/bin/", StringComparison.Ordinal) && !path.Contains("/obj/", StringComparison.Ordinal))
                    .Select(path => Read(path, isSource: folder == "src")))
                .ToDictionary(file => file.Name, StringComparer.Ordinal);

        private static ProjectFile Read(string path, bool isSource)
        {
            var project = XDocument.Load(path).Root!;
            var directory = Path.GetDirectoryName(path)!;
            var frameworks = project.Descendants("FrameworkReference").Select(e => (string)e.Attribute("Include")!).ToList();
            switch ((string?)project.Attribute("Sdk"))
            {
                case "Microsoft.NET.Sdk":
                    break;
                case "Microsoft.NET.Sdk.Web":
                    frameworks.Add(ProjectGraph.AspNetCore); // implied by the SDK
                    break;
                case var other:
                    frameworks.Add($"the SDK {other}");
                    break;
            }

            var references = project.Descendants("ProjectReference")
                .Select(e => NameOf(Path.GetFullPath(Path.Combine(directory, ((string)e.Attribute("Include")!).Replace('\\', '/')))))
                .ToList();
            var assemblyName = project.Descendants("AssemblyName").FirstOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(path);
            return new ProjectFile(NameOf(path), path, assemblyName, references, frameworks, isSource);
        }

        private static string NameOf(string csproj) => Path.GetFileNameWithoutExtension(csproj).Replace("ReformMetrics.", "", StringComparison.Ordinal);
    }
}
