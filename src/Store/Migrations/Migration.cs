using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace ReformMetrics.Store.Migrations;

/// <summary>One numbered SQL file of sql/migrations (embedded in this assembly, so a deployed binary carries its schema).</summary>
public sealed partial record Migration(int Version, string Name, string Script)
{
    private const string ResourcePrefix = "migrations/";

    /// <summary>SHA-256 of the script with line endings normalised, so a checkout with CRLF does not count as a change.</summary>
    public string Checksum => Convert.ToHexStringLower(
        SHA256.HashData(Encoding.UTF8.GetBytes(Script.Replace("\r\n", "\n", StringComparison.Ordinal))));

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

    /// <summary>The migrations compiled into this assembly, in version order; duplicate versions are refused.</summary>
    public static IReadOnlyList<Migration> LoadEmbedded()
    {
        var assembly = typeof(Migration).Assembly;
        var migrations = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(name => FromFile(name[ResourcePrefix.Length..], ReadResource(assembly, name)))
            .ToList();
        return Ordered(migrations);
    }

    public static IReadOnlyList<Migration> Ordered(IEnumerable<Migration> migrations)
    {
        var list = migrations.OrderBy(m => m.Version).ToList();
        var duplicate = list.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new MigrationException(
                $"Hai migration cùng số {duplicate.Key:0000}: {string.Join(", ", duplicate.Select(m => m.Name))}.");
        }

        return list;
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^(\d{4})_[a-z0-9_]+\.sql$")]
    private static partial Regex FileNamePattern();
}
