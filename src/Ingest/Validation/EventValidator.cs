using ReformMetrics.Ingest.Contract;

namespace ReformMetrics.Ingest.Validation;

/// <summary>
/// Checks one row against the data contract (design.md): required fields per event type, enumerations, ISO
/// times, a province and a level that exist on the event's date, a deadline not before the receipt, lengths.
/// The first problem found is reported, naming the field; messages are Vietnamese, for the people who fix the
/// source data.
/// </summary>
public sealed class EventValidator(IngestReference reference, TimeProvider clock)
{
    public const int MaxIdLength = 100;
    public const int MaxCodeLength = 50;
    public const int MaxReasonLength = 2000;
    private static readonly long EarliestMs = new DateTimeOffset(2015, 1, 1, 0, 0, 0, TimeSpan.FromHours(7)).ToUnixTimeMilliseconds();
    private static readonly long LatestDueMs = new DateTimeOffset(2031, 12, 31, 23, 59, 59, TimeSpan.FromHours(7)).ToUnixTimeMilliseconds();

    /// <summary>Validates the values of a row (null or empty = absent), indexed by <see cref="EventField"/>.</summary>
    public ValidEvent? Validate(string?[] values, long line, out (string Field, string Reason) problem)
    {
        ArgumentNullException.ThrowIfNull(values);
        problem = default;
        foreach (var field in EventFields.All)
        {
            if (values[(int)field] is not { } value)
            {
                continue;
            }

            if (value.Contains('\uFFFD', StringComparison.Ordinal))
            {
                problem = (field.Name(), "chứa ký tự không đọc được: tệp phải mã hoá UTF-8");
                return null;
            }

            // Every field has a length limit, even one its event type does not use.
            var limit = MaxLength(field);
            if (value.Length > limit)
            {
                problem = (field.Name(), $"dài {value.Length} ký tự, tối đa {limit}");
                return null;
            }
        }

        if (!Identifier(values, EventField.EventId, MaxIdLength, out var eventId, ref problem)
            || !Identifier(values, EventField.DossierId, MaxIdLength, out var dossierId, ref problem)
            || !Required(values, EventField.EventType, out var typeText, ref problem))
        {
            return null;
        }

        var type = EventCodes.Code(typeText, EventCodes.EventTypes);
        if (type == 0)
        {
            problem = Invalid(EventField.EventType, typeText, EventCodes.EventTypes);
            return null;
        }

        if (!Required(values, EventField.OccurredAt, out var occurredText, ref problem))
        {
            return null;
        }

        if (!EventTime.TryParse(occurredText, out var occurredAt))
        {
            problem = NotATime(EventField.OccurredAt, occurredText);
            return null;
        }

        var latest = clock.GetUtcNow().AddDays(1).ToUnixTimeMilliseconds();
        if (occurredAt < EarliestMs || occurredAt > latest)
        {
            problem = ("occurred_at", $"thời điểm {EventTime.Format(occurredAt)} nằm ngoài khoảng từ 01/01/2015 đến ngày mai");
            return null;
        }

        var reason = values[(int)EventField.Reason] ?? string.Empty;
        if (reason.Length > MaxReasonLength)
        {
            problem = ("reason", $"dài {reason.Length} ký tự, tối đa {MaxReasonLength}");
            return null;
        }

        long? dueAt = null;
        if (values[(int)EventField.DueAt] is { Length: > 0 } dueText)
        {
            if (!EventTime.TryParse(dueText, out var due))
            {
                problem = NotATime(EventField.DueAt, dueText);
                return null;
            }

            if (due < EarliestMs || due > LatestDueMs)
            {
                problem = ("due_at", $"hạn {EventTime.Format(due)} nằm ngoài khoảng từ 01/01/2015 đến 31/12/2031");
                return null;
            }

            dueAt = due;
        }

        return type switch
        {
            EventCodes.Received => Received(values, line, eventId, dossierId, occurredAt, dueAt, reason, ref problem),
            EventCodes.DueChanged when dueAt is null => Fail(ref problem, "due_at", "bắt buộc với sự kiện due_changed (hạn mới)"),
            EventCodes.Resolved => WithCode(values, EventField.Outcome, EventCodes.Outcomes, ref problem) is { } outcome
                ? new ValidEvent { EventId = eventId, DossierId = dossierId, EventType = type, OccurredAtMs = occurredAt, Outcome = outcome, Reason = reason, Line = line }
                : null,
            EventCodes.Returned => WithCode(values, EventField.Channel, EventCodes.Channels, ref problem) is { } channel
                ? new ValidEvent { EventId = eventId, DossierId = dossierId, EventType = type, OccurredAtMs = occurredAt, Channel = channel, Reason = reason, Line = line }
                : null,
            EventCodes.Rated => WithCode(values, EventField.Rating, EventCodes.Ratings, ref problem) is { } rating
                ? new ValidEvent { EventId = eventId, DossierId = dossierId, EventType = type, OccurredAtMs = occurredAt, Rating = rating, Reason = reason, Line = line }
                : null,
            _ => new ValidEvent
            {
                EventId = eventId, DossierId = dossierId, EventType = type, OccurredAtMs = occurredAt,
                DueAtMs = type == EventCodes.DueChanged ? dueAt : null, Reason = reason, Line = line,
            },
        };
    }

    private static int MaxLength(EventField field) => field switch
    {
        EventField.EventId or EventField.DossierId => MaxIdLength,
        EventField.Reason => MaxReasonLength,
        _ => MaxCodeLength,
    };

    private ValidEvent? Received(
        string?[] values, long line, string eventId, string dossierId, long occurredAt, long? dueAt, string reason, ref (string, string) problem)
    {
        if (!Required(values, EventField.ProvinceCode, out var province, ref problem))
        {
            return null;
        }

        if (!reference.ProvinceExists(province, occurredAt))
        {
            problem = ("province_code", occurredAt < IngestReference.MergerAtMs
                ? $"mã tỉnh \"{province}\" không có trong 63 tỉnh, thành phố trước 01/07/2025 (ngày sự kiện {EventTime.Format(occurredAt)})"
                : $"mã tỉnh \"{province}\" không có trong 34 tỉnh, thành phố từ 01/07/2025 (ngày sự kiện {EventTime.Format(occurredAt)})");
            return null;
        }

        if (WithCode(values, EventField.Level, EventCodes.Levels, ref problem) is not { } level)
        {
            return null;
        }

        if (level == EventCodes.District && occurredAt >= IngestReference.MergerAtMs)
        {
            problem = ("level", $"cấp huyện không còn từ 01/07/2025 (ngày sự kiện {EventTime.Format(occurredAt)})");
            return null;
        }

        if (!Code(values, EventField.AgencyCode, out var agency, ref problem)
            || !Code(values, EventField.SectorCode, out var sector, ref problem)
            || !Code(values, EventField.ProcedureCode, out var procedure, ref problem))
        {
            return null;
        }

        if (WithCode(values, EventField.Channel, EventCodes.Channels, ref problem) is not { } channel)
        {
            return null;
        }

        byte online = 0;
        if (values[(int)EventField.OnlineEnabled] is { Length: > 0 } onlineText)
        {
            online = onlineText switch
            {
                "true" or "1" => 2,
                "false" or "0" => 1,
                _ => 0,
            };
            if (online == 0)
            {
                problem = ("online_enabled", $"\"{Shorten(onlineText)}\" không hợp lệ; dùng true hoặc false");
                return null;
            }
        }

        if (dueAt < occurredAt)
        {
            problem = ("due_at", $"hạn {EventTime.Format(dueAt.Value)} trước thời điểm tiếp nhận {EventTime.Format(occurredAt)}");
            return null;
        }

        return new ValidEvent
        {
            EventId = eventId, DossierId = dossierId, EventType = EventCodes.Received, OccurredAtMs = occurredAt,
            ProvinceCode = province, Level = level, AgencyCode = agency, SectorCode = sector, ProcedureCode = procedure,
            Channel = channel, OnlineEnabled = online, DueAtMs = dueAt, Reason = reason, Line = line,
        };
    }

    private static ValidEvent? Fail(ref (string, string) problem, string field, string reason)
    {
        problem = (field, reason);
        return null;
    }

    private static byte? WithCode(string?[] values, EventField field, string[] names, ref (string, string) problem)
    {
        if (!Required(values, field, out var text, ref problem))
        {
            return null;
        }

        var code = EventCodes.Code(text, names);
        if (code == 0)
        {
            problem = Invalid(field, text, names);
            return null;
        }

        return code;
    }

    private static bool Required(string?[] values, EventField field, out string value, ref (string, string) problem)
    {
        value = values[(int)field] ?? string.Empty;
        if (value.Length > 0)
        {
            return true;
        }

        problem = (field.Name(), "bắt buộc nhưng đang trống");
        return false;
    }

    private static bool Identifier(string?[] values, EventField field, int maxLength, out string value, ref (string, string) problem)
    {
        if (!Required(values, field, out value, ref problem))
        {
            return false;
        }

        if (value.Length > maxLength)
        {
            problem = (field.Name(), $"dài {value.Length} ký tự, tối đa {maxLength}");
            return false;
        }

        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                problem = (field.Name(), "chứa ký tự điều khiển");
                return false;
            }
        }

        return true;
    }

    private static bool Code(string?[] values, EventField field, out string value, ref (string, string) problem) =>
        Identifier(values, field, MaxCodeLength, out value, ref problem);

    private static (string, string) Invalid(EventField field, string value, string[] allowed) =>
        (field.Name(), $"\"{Shorten(value)}\" không hợp lệ; giá trị hợp lệ: {string.Join(", ", allowed)}");

    private static (string, string) NotATime(EventField field, string value) =>
        (field.Name(), $"\"{Shorten(value)}\" không phải thời gian ISO 8601 (ví dụ 2025-03-03T09:00:00+07:00)");

    private static string Shorten(string value) => value.Length <= 60 ? value : string.Concat(value.AsSpan(0, 60), "…");
}
