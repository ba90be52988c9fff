using Dapper;

using ReformMetrics.Store;

namespace ReformMetrics.TestSupport;

/// <summary>One event of a test scenario; times are Vietnam wall-clock "yyyy-MM-dd HH:mm".</summary>
public sealed record Ev(
    string Type,
    string At,
    string? Province = null,
    string? Procedure = null,
    string? Channel = null,
    string? Due = null,
    string? Rating = null,
    string? Level = null,
    string? Id = null,
    string? Sector = null);

/// <summary>Writes scenario events into a test database, as ingestion would.</summary>
public static class EventWriter
{
    public static async Task WriteAsync(ClickHouseStore store, string dossierId, IEnumerable<Ev> events)
    {
        await using var connection = store.CreateConnection();
        var index = 0;
        foreach (var e in events)
        {
            index++;
            var received = e.Type == "received";
            await connection.ExecuteAsync(
                """
                INSERT INTO events (event_id, dossier_id, event_type, occurred_at, province_code, level, agency_code, sector_code,
                                    procedure_code, channel, online_enabled, due_at, outcome, rating, reason, source)
                SELECT @id, @dossier, @type, parseDateTime64BestEffort(@at, 3, 'Asia/Ho_Chi_Minh'), @province, @level, @agency,
                       @sector, @procedure, @channel, @online, parseDateTime64BestEffortOrNull(@due, 3, 'Asia/Ho_Chi_Minh'),
                       @outcome, @rating, '', 'test'
                """,
                new
                {
                    id = e.Id ?? $"{dossierId}-{index}",
                    dossier = dossierId,
                    type = e.Type,
                    at = e.At,
                    province = received ? e.Province ?? "01" : string.Empty,
                    level = received ? e.Level ?? "commune" : null,
                    agency = received ? "AG-TEST" : string.Empty,
                    sector = received ? e.Sector ?? "HOTICH" : string.Empty,
                    procedure = received ? e.Procedure ?? "DEMO.HT.004" : string.Empty,
                    channel = received || e.Type == "returned" ? e.Channel ?? "online" : null,
                    online = received ? (bool?)true : null,
                    due = e.Due,
                    outcome = e.Type == "resolved" ? "approved" : null,
                    rating = e.Rating,
                });
        }
    }
}
