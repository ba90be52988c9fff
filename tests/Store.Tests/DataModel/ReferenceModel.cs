using System.Globalization;
using Dapper;
using ReformMetrics.Store.Calendar;

namespace ReformMetrics.Store.Tests.DataModel;

/// <summary>
/// A second, independent implementation of the dossier rules (docs/sql-views.md) in plain C#, run over the raw
/// events, to check the SQL state and the aggregates against. Times are Vietnam wall-clock.
/// </summary>
public sealed class ReferenceModel
{
    private static readonly DateTime MergerAt = new(2025, 7, 1);
    private readonly WorkingCalendar _calendar;
    private readonly Dictionary<string, (int WorkingDays, bool Fee)> _procedures;
    private readonly Dictionary<string, string> _oldToNew;

    private ReferenceModel(WorkingCalendar calendar, Dictionary<string, (int, bool)> procedures, Dictionary<string, string> oldToNew)
    {
        _calendar = calendar;
        _procedures = procedures;
        _oldToNew = oldToNew;
    }

    public sealed record EventRow(string Id, string Dossier, string Type, DateTime At, string Province, string Procedure, string? Channel, DateTime? Due, string? Rating);

    public sealed record Dossier(
        string Id, DateTime ReceivedAt, string Province2025, string Status, DateTime? EndedAt, string? Class, string? Class766,
        DateOnly? OverdueFrom, DateOnly? OverdueUntil, bool Fee, bool Paid, DateTime? ReturnedAt, string? ReturnChannel,
        DateTime? RatedAt, string? Rating);

    public static async Task<ReferenceModel> LoadAsync(ClickHouseStore store, CancellationToken cancellationToken)
    {
        var calendar = await WorkingCalendar.LoadAsync(store, cancellationToken);
        await using var connection = store.CreateConnection();
        var procedures = (await connection.QueryAsync<(string Code, int Days, bool Fee)>(
            "SELECT toString(code), toInt32(working_days), has_fee FROM procedures")).ToDictionary(p => p.Code, p => (p.Days, p.Fee));
        var map = (await connection.QueryAsync<(string Old, string New)>("SELECT toString(old_code), toString(new_code) FROM province_map"))
            .ToDictionary(m => m.Old, m => m.New);
        return new ReferenceModel(calendar, procedures, map);
    }

    public static async Task<List<EventRow>> ReadEventsAsync(ClickHouseStore store)
    {
        await using var connection = store.CreateConnection();
        var rows = await connection.QueryAsync<(string Id, string Dossier, string Type, string At, string Province, string Procedure, string? Channel, string? Due, string? Rating)>(
            """
            SELECT event_id, dossier_id, toString(event_type), toString(occurred_at), toString(province_code), toString(procedure_code),
                   toString(channel), toString(due_at), toString(rating)
            FROM events
            """);
        return rows.Select(r => new EventRow(r.Id, r.Dossier, r.Type, Parse(r.At), r.Province, r.Procedure, r.Channel, r.Due is null ? null : Parse(r.Due), r.Rating)).ToList();
    }

    /// <summary>The state of one dossier, or null while its received event is missing.</summary>
    public Dossier? Compute(IEnumerable<EventRow> events)
    {
        var distinct = events.GroupBy(e => e.Id, StringComparer.Ordinal).Select(g => g.First()).ToList();
        var received = First(distinct, "received");
        if (received is null)
        {
            return null;
        }

        var resolved = First(distinct, "resolved");
        var withdrawn = First(distinct, "withdrawn");
        var isResolved = resolved is not null && (withdrawn is null || resolved.At <= withdrawn.At);
        var isWithdrawn = withdrawn is not null && !isResolved;
        DateTime? endRaw = isResolved ? resolved!.At : isWithdrawn ? withdrawn!.At : null;
        DateTime? endAt = endRaw < received.At ? received.At : endRaw;
        bool BeforeEnd(EventRow e) => endRaw is null || e.At <= endRaw;

        var known = _procedures.TryGetValue(received.Procedure, out var procedure);
        var lastChange = distinct.Where(e => e.Type == "due_changed" && BeforeEnd(e))
            .OrderBy(e => e.At).ThenBy(e => e.Id, StringComparer.Ordinal).ThenBy(e => e.Due).LastOrDefault();
        var baseDue = lastChange?.Due ?? received.Due
            ?? (known ? _calendar.AddWorkingDays(DateOnly.FromDateTime(received.At), procedure.WorkingDays).ToDateTime(new TimeOnly(17, 0)) : null);

        DateTime? waitingSince = null;
        var waited = 0;
        foreach (var e in distinct.Where(e => e.Type is "supplement_requested" or "supplement_received" && BeforeEnd(e))
                     .OrderBy(e => e.At).ThenBy(e => e.Id, StringComparer.Ordinal).ThenBy(e => e.Type == "supplement_requested" ? 0 : 1))
        {
            if (e.Type == "supplement_requested")
            {
                waitingSince ??= e.At;
            }
            else if (waitingSince is { } since)
            {
                waited += _calendar.WorkingDaysBetween(since, e.At);
                waitingSince = null;
            }
        }

        if (waitingSince is { } open && endRaw is { } end)
        {
            waited += _calendar.WorkingDaysBetween(open, end);
        }

        var due = baseDue is { } b && waited != 0 ? _calendar.AddWorkingDays(b, waited) : baseDue;
        string? cls = null;
        if (isResolved)
        {
            cls = due is null ? "on_time"
                : DateOnly.FromDateTime(endAt!.Value) < DateOnly.FromDateTime(due.Value) ? "early"
                : endAt <= due ? "on_time"
                : "overdue";
        }

        var requests = distinct.Count(e => e.Type == "supplement_requested");
        var cls766 = cls is null ? null : cls == "overdue" || requests > 1 ? "overdue" : cls;
        DateTime? paused = endRaw is null ? waitingSince : null;
        DateOnly? from = due is null ? null : Max(DateOnly.FromDateTime(received.At), DateOnly.FromDateTime(due.Value));
        DateOnly? until = endAt is { } e2 ? DateOnly.FromDateTime(e2) : paused is { } p ? DateOnly.FromDateTime(p) : null;
        if (from is not null && until is not null && from >= until)
        {
            from = null;
        }

        var returned = First(distinct, "returned");
        var rated = distinct.Where(e => e.Type == "rated" && e.Rating is not null)
            .OrderBy(e => e.At).ThenBy(e => e.Id, StringComparer.Ordinal).LastOrDefault();
        var province2025 = received.At < MergerAt ? _oldToNew.GetValueOrDefault(received.Province, received.Province) : received.Province;
        return new Dossier(
            received.Dossier, received.At, province2025, isResolved ? "resolved" : isWithdrawn ? "withdrawn" : "in_progress", endAt, cls, cls766,
            from, from is null ? null : until, known && procedure.Fee, distinct.Any(e => e.Type == "paid_online"),
            returned?.At, returned?.Channel, rated?.At, rated?.Rating);
    }

    private static EventRow? First(IEnumerable<EventRow> events, string type) =>
        events.Where(e => e.Type == type).OrderBy(e => e.At).ThenBy(e => e.Id, StringComparer.Ordinal).FirstOrDefault();

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    private static DateTime Parse(string text) => DateTime.ParseExact(text, "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
}
