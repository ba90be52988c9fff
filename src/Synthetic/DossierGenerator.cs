using System.Globalization;
using System.Text.Json;
using ReformMetrics.Store.Calendar;
using ReformMetrics.Synthetic.Output;

namespace ReformMetrics.Synthetic;

public sealed record GeneratorOptions(long Dossiers, DateOnly From, DateOnly To, ulong Seed, string OutputDirectory, bool Ndjson = false, double Noise = 0);

public sealed record GeneratorProgress(long Dossiers, long Rows, string Month);

/// <summary>What a run wrote: the counts ingestion must reproduce (valid events accepted, duplicate rows, malformed
/// rows rejected), the noise by kind, and the files. Saved as manifest.json next to the files.</summary>
public sealed record GeneratorResult(
    long Dossiers, long Events, long DuplicateRows, long MalformedRows, IReadOnlyDictionary<string, long> Noise,
    IReadOnlyList<string> Files, long Agencies, long Feedback, long Tasks, long Targets);

/// <summary>
/// `reform generate`: synthetic dossier events for every province, one file per province and month, the way the
/// one-stop systems export them. A month's file holds the events that happened in it, so a dossier received in
/// March and resolved in April appears in both. Memory stays bounded whatever N: a dossier is rebuilt from its own
/// seed in each month it is still active, so only (seed, province, day) of the active dossiers is kept.
/// </summary>
public sealed class DossierGenerator
{
    private readonly WorkingCalendar _calendar = WorkingCalendar.FromSeed();
    private readonly Catalogue _catalogue = new();

    public GeneratorResult Generate(GeneratorOptions options, IProgress<GeneratorProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(options.OutputDirectory);
        var geography = new Geography(options.Seed);
        var arrivals = new Arrivals(options.Seed, geography, _calendar, options.From, options.To, options.Dossiers);
        var factory = new DossierFactory(_catalogue, _calendar);
        var run = new RunState(options, geography);
        var sideFiles = new SideFiles(options, geography, _calendar);
        var runEnd = options.To.AddDays(1).ToDateTime(TimeOnly.MinValue);
        var active = new List<Active>();
        var dossier = new SyntheticDossier();

        for (var month = new DateOnly(options.From.Year, options.From.Month, 1); month <= options.To; month = month.AddMonths(1))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var first = month < options.From ? options.From : month;
            var last = month.AddMonths(1).AddDays(-1) < options.To ? month.AddMonths(1).AddDays(-1) : options.To;
            var window = new Window(run, month, first.ToDateTime(TimeOnly.MinValue), last.AddDays(1).ToDateTime(TimeOnly.MinValue), last == options.To);
            var stillActive = new List<Active>();
            foreach (var a in active)
            {
                factory.Build(a.Seed, a.Province, a.Day, a.Sequence, dossier);
                if (window.Emit(dossier, a.Seed, runEnd))
                {
                    stillActive.Add(a);
                }
            }

            for (var day = first; day <= last; day = day.AddDays(1))
            {
                foreach (var (province, firstOrdinal, count) in arrivals.Day(day))
                {
                    for (var k = 0; k < count; k++)
                    {
                        var seed = Rng.Mix(options.Seed, (ulong)(firstOrdinal + k));
                        factory.Build(seed, province, day, k + 1, dossier);
                        sideFiles.Observe(dossier, seed, runEnd);
                        run.Dossiers++;
                        if (window.Emit(dossier, seed, runEnd))
                        {
                            stillActive.Add(new Active(seed, province, day, k + 1));
                        }
                    }
                }

                progress?.Report(new GeneratorProgress(run.Dossiers, run.Rows, month.ToString("MM/yyyy", CultureInfo.InvariantCulture)));
            }

            window.Close();
            active = stillActive;
        }

        var counts = sideFiles.Write();
        var result = new GeneratorResult(run.Dossiers, run.Events, run.DuplicateRows, run.MalformedRows, run.NoiseCounts,
            run.Files.Order(StringComparer.Ordinal).ToList(), counts.Agencies, counts.Feedback, counts.Tasks, counts.Targets);
        File.WriteAllText(Path.Combine(options.OutputDirectory, "manifest.json"), JsonSerializer.Serialize(new { options = Describe(options), result }, ManifestJson));
        return result;
    }

    private static readonly JsonSerializerOptions ManifestJson = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static object Describe(GeneratorOptions o) => new
    {
        dossiers = o.Dossiers,
        from = o.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        to = o.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        seed = o.Seed,
        format = o.Ndjson ? "ndjson" : "csv",
        noise = o.Noise,
    };

    private readonly record struct Active(ulong Seed, SyntheticProvince Province, DateOnly Day, int Sequence);
}
