using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ReformMetrics.Cli.Bench.Campaign;

/// <summary>
/// Valid dossier events of the data contract (design.md) for a campaign to send: dossiers whose ids start with the run's
/// prefix, received in the provinces given (with a real agency, sector and procedure of each) a couple of hours ago, and
/// later resolved, returned and rated, each event in its own row. Dossier and event ids are unique to the run, so the events
/// stored can be counted by them afterwards.
/// </summary>
internal sealed class CampaignEvents(string prefix, IReadOnlyList<ProvinceFacts> provinces)
{
    public static readonly string[] Fields =
    [
        "event_id", "dossier_id", "event_type", "occurred_at", "province_code", "level", "agency_code", "sector_code", "procedure_code", "channel",
        "online_enabled", "due_at", "outcome", "rating", "reason",
    ];

    private static readonly string[] FollowUps = ["resolved", "returned", "rated"];
    private static readonly string[] AllKinds = ["received", .. FollowUps];
    private readonly List<long> _open = [];
    private long _nextDossier;

    public string Prefix => prefix;

    /// <summary>The next batch: <paramref name="received"/> new dossiers, and the follow-up events of the dossiers
    /// received in the batch before, so that a dossier's events arrive in different bodies, as from a real source.</summary>
    public IReadOnlyList<string[]> NextBatch(int received, DateTimeOffset now)
    {
        var rows = new List<string[]>();
        foreach (var dossier in _open)
        {
            foreach (var kind in FollowUps)
            {
                rows.Add(Row(dossier, kind, now));
            }
        }

        _open.Clear();
        for (var i = 0; i < received; i++)
        {
            var dossier = _nextDossier++;
            rows.Add(Row(dossier, "received", now));
            _open.Add(dossier);
        }

        return rows;
    }

    /// <summary>The follow-up events of the dossiers still open, so that a run ends with every dossier complete.</summary>
    public IReadOnlyList<string[]> Close(DateTimeOffset now) => NextBatch(0, now);

    /// <summary>Every event of <paramref name="dossiers"/> dossiers (4 each) as one CSV file; returns the number of events.</summary>
    public long WriteFile(string path, long dossiers, DateTimeOffset now)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 16);
        writer.Write(string.Join(',', Fields));
        writer.Write('\n');
        long events = 0;
        for (long d = 0; d < dossiers; d++)
        {
            var dossier = _nextDossier++;
            foreach (var kind in AllKinds)
            {
                writer.Write(string.Join(',', Row(dossier, kind, now)));
                writer.Write('\n');
                events++;
            }
        }

        return events;
    }

    public static string ToCsv(IEnumerable<string[]> rows) =>
        string.Join(',', Fields) + "\n" + string.Concat(rows.Select(r => string.Join(',', r) + "\n"));

    public static string ToNdjson(IEnumerable<string[]> rows) =>
        string.Concat(rows.Select(r => JsonSerializer.Serialize(
            Fields.Select((f, i) => (f, v: r[i])).Where(p => p.v.Length > 0).ToDictionary(p => p.f, p => p.v)) + "\n"));

    public string DossierId(long dossier) => string.Create(CultureInfo.InvariantCulture, $"{prefix}{dossier:D7}");

    private string[] Row(long dossier, string kind, DateTimeOffset now)
    {
        var province = provinces[(int)(dossier % provinces.Count)];
        var received = now.ToOffset(TimeSpan.FromHours(7)).AddHours(-3).AddSeconds(-(dossier % 3600));
        var at = kind switch
        {
            "received" => received,
            "resolved" => received.AddMinutes(50),
            "returned" => received.AddMinutes(55),
            _ => received.AddMinutes(58),
        };
        var first = kind == "received";
        return
        [
            $"{DossierId(dossier)}-{kind}", DossierId(dossier), kind, Time(at), first ? province.Code : string.Empty, first ? province.Level : string.Empty,
            first ? province.Agency : string.Empty, first ? province.Sector : string.Empty, first ? province.Procedure : string.Empty,
            first || kind == "returned" ? "online" : string.Empty, first ? "true" : string.Empty, first ? Time(received.AddDays(5)) : string.Empty,
            kind == "resolved" ? "approved" : string.Empty, kind == "rated" ? "satisfied" : string.Empty, string.Empty,
        ];
    }

    private static string Time(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
