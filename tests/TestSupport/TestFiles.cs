using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace ReformMetrics.TestSupport;

/// <summary>Event files for the tests: valid rows for N dossiers (4 events each), in CSV or NDJSON.</summary>
public static class TestFiles
{
    public const string Header = "event_id,dossier_id,event_type,occurred_at,province_code,level,agency_code,sector_code,procedure_code,channel,online_enabled,due_at,outcome,rating,reason";

    /// <summary>The CSV lines (no header) of dossiers [first, first + count), four events each.</summary>
    public static IEnumerable<string> CsvRows(string prefix, int first, int count)
    {
        for (var d = first; d < first + count; d++)
        {
            var received = new DateTime(2025, 3, 3, 8, 0, 0).AddMinutes(d * 13 % 50_000);
            string T(DateTime t) => t.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture) + "+07:00";
            var province = received < new DateTime(2025, 7, 1) ? "72" : "80";
            var level = received < new DateTime(2025, 7, 1) ? "district" : "commune";
            yield return $"{prefix}{d}-r,{prefix}{d},received,{T(received)},{province},{level},AG1,HOTICH,DEMO.HT.001,online,true,{T(received.AddDays(3))},,,";
            yield return $"{prefix}{d}-x,{prefix}{d},resolved,{T(received.AddDays(1))},,,,,,,,,approved,,";
            yield return $"{prefix}{d}-t,{prefix}{d},returned,{T(received.AddDays(2))},,,,,,postal,,,,,";
            yield return $"{prefix}{d}-s,{prefix}{d},rated,{T(received.AddDays(2).AddHours(1))},,,,,,,,,,satisfied,\"khách nói: \"\"tốt\"\"\"";
        }
    }

    public static string WriteCsv(string directory, string name, IEnumerable<string> rows, bool gzip = false)
    {
        var path = Path.Combine(directory, name);
        var text = Header + "\n" + string.Join("\n", rows) + "\n";
        if (gzip)
        {
            using var file = File.Create(path);
            using var compressed = new GZipStream(file, CompressionLevel.Fastest);
            compressed.Write(Encoding.UTF8.GetBytes(text));
        }
        else
        {
            File.WriteAllText(path, text, new UTF8Encoding(false));
        }

        return path;
    }
}
