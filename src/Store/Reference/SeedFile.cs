using System.Text;
using nietras.SeparatedValues;

namespace ReformMetrics.Store.Reference;

/// <summary>The reference CSVs of sql/seed, embedded in this assembly: the generator and the calendar read the very
/// files the migrations load, so a program without the source tree sees the same provinces, procedures and holidays.</summary>
public static class SeedFile
{
    public static string Read(string name)
    {
        var assembly = typeof(SeedFile).Assembly;
        using var stream = assembly.GetManifestResourceStream("seed/" + name)
            ?? throw new FileNotFoundException($"No seed file sql/seed/{name} is embedded", name);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>The rows of a seed CSV as header-keyed records.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> ReadRows(string name)
    {
        using var reader = Sep.Reader(o => o with { Unescape = true }).FromText(Read(name));
        var header = reader.Header.ColNames;
        var rows = new List<IReadOnlyDictionary<string, string>>();
        foreach (var row in reader)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var column in header)
            {
                values[column] = row[column].ToString();
            }

            rows.Add(values);
        }

        return rows;
    }
}
