using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace ReformMetrics.Store.Migrations;

/// <summary>
/// One numbered SQL file of sql/migrations with the seed files of sql/seed it loads, or one repeatable definition of
/// sql/repeatable (all embedded in this assembly, so a deployed binary carries its schema and reference data).
/// </summary>
/// <remarks>
/// A numbered migration runs once and never changes. A repeatable definition (like Flyway's repeatable migrations)
/// has no version: it holds statements that can always run again (CREATE OR REPLACE VIEW, GRANT), is applied after
/// the numbered migrations, and again whenever its text changes. It is for SQL generated from the code, such as the
/// analysts' KPI views rendered from the metric catalogue, which must follow the catalogue without a new numbered
/// file for every change.
/// </remarks>
public sealed partial record Migration(int Version, string Name, string Script, IReadOnlyDictionary<string, string>? Seeds = null)
{
    private const string ResourcePrefix = "migrations/";
    private const string RepeatablePrefix = "repeatable/";
    private const string SeedPrefix = "seed/";

    /// <summary>A repeatable definition (sql/repeatable): applied whenever its text changes; its version is 0.</summary>
    public bool Repeatable { get; init; }

    /// <summary>SHA-256 of the script and its seed files with line endings normalised, so a checkout with CRLF
    /// does not count as a change but an edited seed does.</summary>
    public string Checksum
    {
        get
        {
            var text = new StringBuilder(Script);
            foreach (var (name, content) in (Seeds ?? new Dictionary<string, string>()).OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                text.Append('\0').Append(name).Append('\0').Append(content);
            }

            return Convert.ToHexStringLower(
                SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal))));
        }
    }

    /// <summary>Parses <c>kpi_views.sql</c> of sql/repeatable into the repeatable definition <c>kpi_views</c>.</summary>
    public static Migration FromRepeatableFile(string fileName, string script)
    {
        if (!RepeatableNamePattern().IsMatch(fileName))
        {
            throw new MigrationException(
                $"Tên tệp định nghĩa lặp lại \"{fileName}\" không đúng mẫu ten_mo_ta.sql (chữ thường, chữ số, dấu gạch dưới).");
        }

        return new Migration(0, Path.GetFileNameWithoutExtension(fileName), script) { Repeatable = true };
    }

    /// <summary>The content of a seed file this migration loads.</summary>
    public string Seed(string name) =>
        Seeds is not null && Seeds.TryGetValue(name, out var content)
            ? content
            : throw new MigrationException($"Migration {Name} nạp tệp sql/seed/{name} nhưng tệp không có trong chương trình.");

    /// <summary>Parses <c>0001_events.sql</c> into version 1, name <c>0001_events</c>.</summary>
    public static Migration FromFile(string fileName, string script)
    {
        var match = FileNamePattern().Match(fileName);
        if (!match.Success)
        {
            throw new MigrationException(
                $"Tên tệp migration \"{fileName}\" không đúng mẫu NNNN_ten_mo_ta.sql (4 chữ số, dấu gạch dưới, chữ thường).");
        }

        return new Migration(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), Path.GetFileNameWithoutExtension(fileName), script);
    }

    /// <summary>The migrations compiled into this assembly, in version order, each with the seed files its
    /// statements name, then the repeatable definitions by name; duplicate versions and missing seed files are refused.</summary>
    public static IReadOnlyList<Migration> LoadEmbedded()
    {
        var assembly = typeof(Migration).Assembly;
        var resources = assembly.GetManifestResourceNames();
        var seeds = resources
            .Where(name => name.StartsWith(SeedPrefix, StringComparison.Ordinal))
            .ToDictionary(name => name[SeedPrefix.Length..], name => ReadResource(assembly, name), StringComparer.Ordinal);
        var migrations = resources
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(name => FromFile(name[ResourcePrefix.Length..], ReadResource(assembly, name)))
            .Select(migration => migration with { Seeds = SeedsOf(migration, seeds) })
            .Concat(resources
                .Where(name => name.StartsWith(RepeatablePrefix, StringComparison.Ordinal))
                .Select(name => FromRepeatableFile(name[RepeatablePrefix.Length..], ReadResource(assembly, name))))
            .ToList();
        return Ordered(migrations);
    }

    private static Dictionary<string, string> SeedsOf(Migration migration, Dictionary<string, string> available)
    {
        var used = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var statement in SqlScript.Split(migration.Script))
        {
            if (SqlScript.SeedOf(statement) is not { } name)
            {
                continue;
            }

            used[name] = available.TryGetValue(name, out var content)
                ? content
                : throw new MigrationException($"Migration {migration.Name} nạp tệp sql/seed/{name}, nhưng không có tệp đó.");
        }

        return used;
    }

    /// <summary>The numbered migrations in version order, then the repeatable definitions by name.</summary>
    public static IReadOnlyList<Migration> Ordered(IEnumerable<Migration> migrations)
    {
        var all = migrations.ToList();
        var list = all.Where(m => !m.Repeatable).OrderBy(m => m.Version).ToList();
        var duplicate = list.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new MigrationException(
                $"Hai migration cùng số {duplicate.Key:0000}: {string.Join(", ", duplicate.Select(m => m.Name))}.");
        }

        var repeatable = all.Where(m => m.Repeatable).OrderBy(m => m.Name, StringComparer.Ordinal).ToList();
        if (repeatable.GroupBy(m => m.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new MigrationException($"Hai định nghĩa lặp lại cùng tên {twice.Key}.");
        }

        return [.. list, .. repeatable];
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^(\d{4})_[a-z0-9_]+\.sql$")]
    private static partial Regex FileNamePattern();

    [GeneratedRegex(@"^[a-z][a-z0-9_]*\.sql$")]
    private static partial Regex RepeatableNamePattern();
}
