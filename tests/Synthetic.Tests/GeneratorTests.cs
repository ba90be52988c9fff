using System.Security.Cryptography;

namespace ReformMetrics.Synthetic.Tests;

/// <summary>The generator without a store: determinism, exact volumes, geography and noise bookkeeping.</summary>
public sealed class GeneratorTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("reform-generate-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_same_seed_writes_byte_identical_files_and_another_seed_does_not(bool ndjson)
    {
        var a = Generate("a", 4000, seed: 11, ndjson: ndjson, noise: 0.05);
        var b = Generate("b", 4000, seed: 11, ndjson: ndjson, noise: 0.05);
        var c = Generate("c", 4000, seed: 12, ndjson: ndjson, noise: 0.05);

        Assert.Equal(a.Result.Files, b.Result.Files);
        Assert.Equal(Hashes(a.Directory), Hashes(b.Directory));
        Assert.NotEqual(Hashes(a.Directory), Hashes(c.Directory));
    }

    [Theory]
    [InlineData(1L, "2025-06-30", "2025-07-01")]
    [InlineData(7L, "2024-02-10", "2024-02-10")]
    [InlineData(12_345L, "2024-12-15", "2025-08-15")]
    public void Exactly_the_requested_number_of_dossiers_is_made(long dossiers, string from, string to)
    {
        var run = Generate("n", dossiers, DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture),
            DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture));

        var received = EventLines(run.Directory).Count(line => line.Contains(",received,", StringComparison.Ordinal));
        Assert.Equal(dossiers, run.Result.Dossiers);
        Assert.Equal(dossiers, received);
    }

    [Fact]
    public void Files_follow_the_geography_in_force_63_provinces_before_the_merger_and_34_after()
    {
        var run = Generate("geo", 30_000, new DateOnly(2025, 6, 1), new DateOnly(2025, 7, 31));

        var june = run.Result.Files.Where(f => f.StartsWith("events-202506-", StringComparison.Ordinal)).ToList();
        var july = run.Result.Files.Where(f => f.StartsWith("events-202507-", StringComparison.Ordinal)).ToList();
        Assert.Equal(63, june.Count);
        Assert.Equal(34, july.Count);
        var julyReceipts = File.ReadLines(Path.Combine(run.Directory, "events-202507-80.csv"))
            .Where(l => l.Contains(",received,", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(julyReceipts);
        Assert.All(julyReceipts, l => Assert.DoesNotContain(",district,", l, StringComparison.Ordinal));
        Assert.All(julyReceipts, l => Assert.Contains(",80,", l, StringComparison.Ordinal));
        // Long An (80 until June) dossiers resolved in July travel in the file of the new Tây Ninh (80), those of
        // Tây Ninh (72 until June) too: no 72 file exists after the merger.
        Assert.DoesNotContain("events-202507-72.csv", july);
    }

    [Fact]
    public void Noise_puts_every_kind_in_and_the_manifest_counts_what_was_written()
    {
        var run = Generate("noise", 20_000, seed: 3, noise: 0.1);

        Assert.All(Noise.ValidKinds.Concat(Noise.MalformedKinds),
            kind => Assert.True(run.Result.Noise.GetValueOrDefault(kind) > 0, $"no {kind}"));
        var lines = EventLines(run.Directory).ToList();
        Assert.Equal(run.Result.Events + run.Result.DuplicateRows + run.Result.MalformedRows, lines.Count);
        Assert.Equal(run.Result.MalformedRows, lines.Count(l => l.Contains('~', StringComparison.Ordinal)));
        Assert.Equal(run.Result.Noise.Where(n => Noise.MalformedKinds.Contains(n.Key)).Sum(n => n.Value), run.Result.MalformedRows);
        using var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run.Directory, "manifest.json")));
        Assert.Equal(run.Result.MalformedRows, manifest.RootElement.GetProperty("result").GetProperty("malformed_rows").GetInt64());
        Assert.Equal(0.1, manifest.RootElement.GetProperty("options").GetProperty("noise").GetDouble());
    }

    [Fact]
    public void Online_submission_rises_from_about_a_tenth_to_more_than_half()
    {
        var run = Generate("online", 30_000, new DateOnly(2024, 1, 1), new DateOnly(2026, 9, 30));

        double Share(string month)
        {
            var receipts = EventLines(run.Directory).Where(l => l.Contains(",received," + month, StringComparison.Ordinal)).ToList();
            return (double)receipts.Count(l => l.Contains(",online,", StringComparison.Ordinal)) / receipts.Count;
        }

        Assert.InRange(Share("2024-01"), 0.05, 0.25);
        Assert.InRange(Share("2026-09"), 0.50, 0.80);
        Assert.True(Share("2025-06") > Share("2024-06"));
    }

    private (string Directory, GeneratorResult Result) Generate(string name, long dossiers, int seed = 1, bool ndjson = false, double noise = 0) =>
        Generate(name, dossiers, new DateOnly(2025, 5, 1), new DateOnly(2025, 8, 31), seed, ndjson, noise);

    private (string Directory, GeneratorResult Result) Generate(
        string name, long dossiers, DateOnly from, DateOnly to, int seed = 1, bool ndjson = false, double noise = 0)
    {
        var directory = Path.Combine(_root, name);
        var result = new DossierGenerator().Generate(
            new GeneratorOptions(dossiers, from, to, (ulong)seed, directory, ndjson, noise), null, TestContext.Current.CancellationToken);
        return (directory, result);
    }

    /// <summary>Data lines of the event files (headers left out); a line broken by noise counts as one.</summary>
    private static IEnumerable<string> EventLines(string directory) =>
        Directory.EnumerateFiles(directory, "events-*")
            .SelectMany(f => File.ReadLines(f).Skip(f.EndsWith(".csv", StringComparison.Ordinal) ? 1 : 0));

    private static Dictionary<string, string> Hashes(string directory) =>
        Directory.EnumerateFiles(directory).ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))), StringComparer.Ordinal);
}
