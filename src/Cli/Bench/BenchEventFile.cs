using System.Globalization;
using nietras.SeparatedValues;

namespace ReformMetrics.Cli.Bench;

/// <summary>Writes N valid contract events as CSV for the ingestion benchmark: dossiers received across 2024–2025
/// in the geography in force on each date, each resolved, returned and rated (four events a dossier).
/// Deterministic, streaming; realistic data is the generator's job (reform generate).</summary>
internal static class BenchEventFile
{
    private static readonly string[] Old = ["01", "02", "04", "06", "08", "10", "79", "80", "72", "92"];
    private static readonly string[] New = ["01", "08", "04", "19", "15", "79", "80", "92", "91", "96"];
    private static readonly string[] Procedures = ["DEMO.HT.001", "DEMO.CT.001", "DEMO.DD.002", "DEMO.DN.001", "DEMO.XD.001"];
    private static readonly string[] Sectors = ["HOTICH", "CHUNGTHUC", "DATDAI", "DKKD", "XAYDUNG"];
    private static readonly string[] Channels = ["direct", "online", "postal"];

    public static void Write(string path, long rows)
    {
        using var writer = Sep.Writer(o => o with { Sep = new Sep(','), Escape = true }).ToFile(path);
        var start = new DateTimeOffset(2024, 1, 2, 8, 0, 0, TimeSpan.FromHours(7));
        for (long n = 0; n < rows; n++)
        {
            var dossier = n / 4;
            var kind = (int)(n % 4);
            var received = start.AddMinutes(dossier * 7 % (700 * 24 * 60));
            var merged = received >= new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.FromHours(7));
            var p = (int)(dossier % Procedures.Length);
            using var row = writer.NewRow();
            row["event_id"].Set(CultureInfo.InvariantCulture, $"B{dossier:D9}-{kind}");
            row["dossier_id"].Set(CultureInfo.InvariantCulture, $"B{dossier:D9}");
            row["event_type"].Set(kind switch { 0 => "received", 1 => "resolved", 2 => "returned", _ => "rated" });
            row["occurred_at"].Set((received.AddHours(kind * 30)).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture));
            row["province_code"].Set(kind == 0 ? (merged ? New : Old)[dossier % 10] : string.Empty);
            row["level"].Set(kind == 0 ? (merged ? "commune" : "district") : string.Empty);
            row["agency_code"].Set(kind == 0 ? string.Create(CultureInfo.InvariantCulture, $"AG{dossier % 97:D2}") : string.Empty);
            row["sector_code"].Set(kind == 0 ? Sectors[p] : string.Empty);
            row["procedure_code"].Set(kind == 0 ? Procedures[p] : string.Empty);
            row["channel"].Set(kind is 0 or 2 ? Channels[dossier % 3] : string.Empty);
            row["online_enabled"].Set(kind == 0 ? "true" : string.Empty);
            row["due_at"].Set(kind == 0 ? received.AddDays(3).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture) : string.Empty);
            row["outcome"].Set(kind == 1 ? "approved" : string.Empty);
            row["rating"].Set(kind == 3 ? "satisfied" : string.Empty);
            row["reason"].Set(string.Empty);
        }
    }
}
