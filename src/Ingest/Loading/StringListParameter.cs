using System.Text;
using Dapper;

namespace ReformMetrics.Ingest.Loading;

/// <summary>
/// A list of strings (a batch's dossiers) passed to ClickHouse as query parameters of at most 64 KiB each, since ClickHouse
/// caps a form field at 128 KiB, and joined back in the query. One round trip however long the list, and no table shared by
/// the loads (the ingest_lookup table it replaces made look-ups take turns, and cost two more round trips).
/// </summary>
internal static class StringListParameter
{
    private const int MaxChunkBytes = 64 * 1024;

    /// <summary>Adds <paramref name="values"/> as parameters <c>{name}0</c>, <c>{name}1</c>… and returns the SQL expression
    /// of the whole list (an <c>Array(String)</c>).</summary>
    public static string Add(DynamicParameters parameters, string name, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(values);
        var names = new List<string>();
        var chunk = new List<string>();
        var bytes = 0;
        foreach (var value in values)
        {
            // As sent: quoted, comma-separated, quotes and backslashes escaped.
            var size = Encoding.UTF8.GetByteCount(value) + value.Count(c => c is '\'' or '\\') + 3;
            if (bytes + size > MaxChunkBytes && chunk.Count > 0)
            {
                Flush();
            }

            chunk.Add(value);
            bytes += size;
        }

        if (chunk.Count > 0 || names.Count == 0)
        {
            Flush();
        }

        return names.Count == 1 ? $"@{names[0]}" : $"arrayConcat({string.Join(", ", names.Select(n => "@" + n))})";

        void Flush()
        {
            var parameter = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name}{names.Count}");
            parameters.Add(parameter, chunk.ToArray());
            names.Add(parameter);
            chunk.Clear();
            bytes = 0;
        }
    }
}
