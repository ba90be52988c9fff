using System.Runtime.CompilerServices;
using ReformMetrics.Ingest.Contract;
using ReformMetrics.Ingest.Loading;

namespace ReformMetrics.Ingest.Validation;

/// <summary>
/// Checks one row against the data contract (design.md): required fields per event type, enumerations, ISO
/// times, a province and a level that exist on the event's date, a deadline not before the receipt, lengths.
/// The first problem found is reported, naming the field; messages are Vietnamese, for the people who fix the
/// source data. One validator serves one load, on the reader's thread.
/// </summary>
public sealed class EventValidator(IngestReference reference, TimeProvider clock)
{
    public const int MaxIdLength = 100;
    public const int MaxCodeLength = 50;
    public const int MaxReasonLength = 2000;
    private static readonly long EarliestMs = new DateTimeOffset(2015, 1, 1, 0, 0, 0, TimeSpan.FromHours(7)).ToUnixTimeMilliseconds();
    private static readonly long LatestDueMs = new DateTimeOffset(2031, 12, 31, 23, 59, 59, TimeSpan.FromHours(7)).ToUnixTimeMilliseconds();

    private long _latestOccurredMs;
    private int _untilClockRead;

    private static readonly System.Buffers.SearchValues<char> ControlCharacters =
        System.Buffers.SearchValues.Create([.. Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7F, 0x21)).Select(c => (char)c)]);

    /// <summary>Validates the values of a row (null or empty = absent), indexed by <see cref="EventField"/>; the event as an
    /// object, for tests and tools (the load path uses <see cref="TryAdd"/>).</summary>
    public ValidEvent? Validate(string?[] values, long line, out (string Field, string Reason) problem)
    {
        var columns = new EventColumns();
        return TryAdd(RowFields.From(values), line, columns, out problem) ? columns.ToEvent(0) : null;
    }

    /// <summary>Validates a row and, when it is valid, appends its event to <paramref name="target"/>.</summary>
    [MethodImpl(HotPath.Options)]
    public bool TryAdd(RowFields values, long line, EventColumns target, out (string Field, string Reason) problem)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(target);
        problem = default;
        foreach (var field in EventFields.All)
        {
            var value = values[field];
            if (value.IsEmpty)
            {
                continue;
            }

            if (value.Contains('\uFFFD'))
            {
                problem = (field.Name(), "chứa ký tự không đọc được: tệp phải mã hoá UTF-8");
                return false;
            }

            // Every field has a length limit, even one its event type does not use.
            var limit = MaxLength(field);
            if (value.Length > limit)
            {
                problem = (field.Name(), $"dài {value.Length} ký tự, tối đa {limit}");
                return false;
            }
        }

        if (!Identifier(values, EventField.EventId, ref problem)
            || !Identifier(values, EventField.DossierId, ref problem)
            || !Required(values, EventField.EventType, ref problem))
        {
            return false;
        }

        var typeText = values[EventField.EventType];
        var type = EventCodes.Code(typeText, EventCodes.EventTypes);
        if (type == 0)
        {
            problem = Invalid(EventField.EventType, typeText, EventCodes.EventTypes);
            return false;
        }

        if (!Required(values, EventField.OccurredAt, ref problem))
        {
            return false;
        }

        if (!EventTime.TryParse(values[EventField.OccurredAt], out var occurredAt))
        {
            problem = NotATime(EventField.OccurredAt, values[EventField.OccurredAt]);
            return false;
        }

        if (occurredAt < EarliestMs || occurredAt > LatestOccurredMs())
        {
            problem = ("occurred_at", $"thời điểm {EventTime.Format(occurredAt)} nằm ngoài khoảng từ 01/01/2015 đến ngày mai");
            return false;
        }

        var dueAt = EventColumns.NoDeadline;
        if (values.Has(EventField.DueAt))
        {
            if (!EventTime.TryParse(values[EventField.DueAt], out var due))
            {
                problem = NotATime(EventField.DueAt, values[EventField.DueAt]);
                return false;
            }

            if (due < EarliestMs || due > LatestDueMs)
            {
                problem = ("due_at", $"hạn {EventTime.Format(due)} nằm ngoài khoảng từ 01/01/2015 đến 31/12/2031");
                return false;
            }

            dueAt = due;
        }

        var eventId = values[EventField.EventId];
        var dossierId = values[EventField.DossierId];
        var reason = values[EventField.Reason];
        switch (type)
        {
            case EventCodes.Received:
                return Received(values, line, type, occurredAt, dueAt, target, ref problem);
            case EventCodes.DueChanged when dueAt == EventColumns.NoDeadline:
                problem = ("due_at", "bắt buộc với sự kiện due_changed (hạn mới)");
                return false;
            case EventCodes.Resolved:
                if (WithCode(values, EventField.Outcome, EventCodes.Outcomes, ref problem) is not { } outcome)
                {
                    return false;
                }

                target.Add(eventId, dossierId, type, occurredAt, default, 0, default, default, default, 0, 0, EventColumns.NoDeadline, outcome, 0, reason, line);
                return true;
            case EventCodes.Returned:
                if (WithCode(values, EventField.Channel, EventCodes.Channels, ref problem) is not { } channel)
                {
                    return false;
                }

                target.Add(eventId, dossierId, type, occurredAt, default, 0, default, default, default, channel, 0, EventColumns.NoDeadline, 0, 0, reason, line);
                return true;
            case EventCodes.Rated:
                if (WithCode(values, EventField.Rating, EventCodes.Ratings, ref problem) is not { } rating)
                {
                    return false;
                }

                target.Add(eventId, dossierId, type, occurredAt, default, 0, default, default, default, 0, 0, EventColumns.NoDeadline, 0, rating, reason, line);
                return true;
            default:
                target.Add(eventId, dossierId, type, occurredAt, default, 0, default, default, default, 0, 0,
                    type == EventCodes.DueChanged ? dueAt : EventColumns.NoDeadline, 0, 0, reason, line);
                return true;
        }
    }

    /// <summary>Tomorrow, as the latest acceptable event time: the clock is read every few thousand rows, not per row.</summary>
    private long LatestOccurredMs()
    {
        if (_untilClockRead-- <= 0)
        {
            _latestOccurredMs = clock.GetUtcNow().AddDays(1).ToUnixTimeMilliseconds();
            _untilClockRead = 4096;
        }

        return _latestOccurredMs;
    }

    private static int MaxLength(EventField field) => field switch
    {
        EventField.EventId or EventField.DossierId => MaxIdLength,
        EventField.Reason => MaxReasonLength,
        _ => MaxCodeLength,
    };

    private bool Received(RowFields values, long line, byte type, long occurredAt, long dueAt, EventColumns target, ref (string, string) problem)
    {
        if (!Required(values, EventField.ProvinceCode, ref problem))
        {
            return false;
        }

        var province = values[EventField.ProvinceCode];
        if (!reference.ProvinceExists(province, occurredAt))
        {
            problem = ("province_code", occurredAt < IngestReference.MergerAtMs
                ? $"mã tỉnh \"{province}\" không có trong 63 tỉnh, thành phố trước 01/07/2025 (ngày sự kiện {EventTime.Format(occurredAt)})"
                : $"mã tỉnh \"{province}\" không có trong 34 tỉnh, thành phố từ 01/07/2025 (ngày sự kiện {EventTime.Format(occurredAt)})");
            return false;
        }

        if (WithCode(values, EventField.Level, EventCodes.Levels, ref problem) is not { } level)
        {
            return false;
        }

        if (level == EventCodes.District && occurredAt >= IngestReference.MergerAtMs)
        {
            problem = ("level", $"cấp huyện không còn từ 01/07/2025 (ngày sự kiện {EventTime.Format(occurredAt)})");
            return false;
        }

        if (!Identifier(values, EventField.AgencyCode, ref problem)
            || !Identifier(values, EventField.SectorCode, ref problem)
            || !Identifier(values, EventField.ProcedureCode, ref problem))
        {
            return false;
        }

        if (WithCode(values, EventField.Channel, EventCodes.Channels, ref problem) is not { } channel)
        {
            return false;
        }

        byte online = 0;
        if (values.Has(EventField.OnlineEnabled))
        {
            var onlineText = values[EventField.OnlineEnabled];
            online = onlineText is "true" or "1" ? (byte)2 : onlineText is "false" or "0" ? (byte)1 : (byte)0;
            if (online == 0)
            {
                problem = ("online_enabled", $"\"{Shorten(onlineText)}\" không hợp lệ; dùng true hoặc false");
                return false;
            }
        }

        if (dueAt != EventColumns.NoDeadline && dueAt < occurredAt)
        {
            problem = ("due_at", $"hạn {EventTime.Format(dueAt)} trước thời điểm tiếp nhận {EventTime.Format(occurredAt)}");
            return false;
        }

        target.Add(
            values[EventField.EventId], values[EventField.DossierId], type, occurredAt, province, level, values[EventField.AgencyCode],
            values[EventField.SectorCode], values[EventField.ProcedureCode], channel, online, dueAt, 0, 0, values[EventField.Reason], line);
        return true;
    }

    private static byte? WithCode(RowFields values, EventField field, string[] names, ref (string, string) problem)
    {
        if (!Required(values, field, ref problem))
        {
            return null;
        }

        var code = EventCodes.Code(values[field], names);
        if (code == 0)
        {
            problem = Invalid(field, values[field], names);
            return null;
        }

        return code;
    }

    private static bool Required(RowFields values, EventField field, ref (string, string) problem)
    {
        if (values.Has(field))
        {
            return true;
        }

        problem = (field.Name(), "bắt buộc nhưng đang trống");
        return false;
    }

    /// <summary>A required identifier or code: present and free of control characters (lengths are checked for all fields first).</summary>
    private static bool Identifier(RowFields values, EventField field, ref (string, string) problem)
    {
        if (!Required(values, field, ref problem))
        {
            return false;
        }

        if (values[field].ContainsAny(ControlCharacters))
        {
            problem = (field.Name(), "chứa ký tự điều khiển");
            return false;
        }

        return true;
    }

    private static (string, string) Invalid(EventField field, ReadOnlySpan<char> value, string[] allowed) =>
        (field.Name(), $"\"{Shorten(value)}\" không hợp lệ; giá trị hợp lệ: {string.Join(", ", allowed)}");

    private static (string, string) NotATime(EventField field, ReadOnlySpan<char> value) =>
        (field.Name(), $"\"{Shorten(value)}\" không phải thời gian ISO 8601 (ví dụ 2025-03-03T09:00:00+07:00)");

    private static string Shorten(ReadOnlySpan<char> value) => value.Length <= 60 ? value.ToString() : string.Concat(value[..60], "…");
}
