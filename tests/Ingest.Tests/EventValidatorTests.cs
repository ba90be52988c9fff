using ReformMetrics.Ingest.Contract;
using ReformMetrics.Ingest.Validation;

namespace ReformMetrics.Ingest.Tests;

/// <summary>Every rule of the contract, each with the field it names and the words its message must carry.</summary>
public sealed class EventValidatorTests
{
    private static readonly EventValidator Validator = new(
        new IngestReference(new HashSet<string> { "01", "72", "80" }, new HashSet<string> { "01", "80" }),
        new FixedClock(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.FromHours(7))));

    private static readonly Dictionary<string, string> Good = new()
    {
        ["event_id"] = "E1", ["dossier_id"] = "D1", ["event_type"] = "received", ["occurred_at"] = "2025-03-03T09:00:00+07:00",
        ["province_code"] = "72", ["level"] = "district", ["agency_code"] = "A1", ["sector_code"] = "HOTICH",
        ["procedure_code"] = "DEMO.HT.001", ["channel"] = "online", ["online_enabled"] = "true", ["due_at"] = "2025-03-06T17:00:00+07:00",
    };

    public static TheoryData<string, string?, string, string> Problems => new()
    {
        { "event_id", null, "event_id", "bắt buộc" },
        { "event_id", new string('x', 101), "event_id", "tối đa 100" },
        { "dossier_id", "D\u00011", "dossier_id", "ký tự điều khiển" },
        { "event_type", "created", "event_type", "received, supplement_requested" },
        { "occurred_at", "03/03/2025", "occurred_at", "ISO 8601" },
        { "occurred_at", "2014-12-31T23:00:00+07:00", "occurred_at", "ngoài khoảng" },
        { "occurred_at", "2026-12-05T09:00:00+07:00", "occurred_at", "ngoài khoảng" },
        { "province_code", null, "province_code", "bắt buộc" },
        { "province_code", "99", "province_code", "63 tỉnh" },
        { "level", "ward", "level", "province, district, commune" },
        { "agency_code", null, "agency_code", "bắt buộc" },
        { "procedure_code", new string('p', 51), "procedure_code", "tối đa 50" },
        { "channel", "fax", "channel", "direct, online, postal" },
        { "online_enabled", "yes", "online_enabled", "true hoặc false" },
        { "due_at", "2025-03-02T17:00:00+07:00", "due_at", "trước thời điểm tiếp nhận" },
        { "due_at", "soon", "due_at", "ISO 8601" },
        { "reason", new string('r', 2001), "reason", "tối đa 2000" },
        { "sector_code", "Hộ tịch\uFFFD", "sector_code", "UTF-8" },
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public void A_bad_value_is_rejected_naming_its_field(string field, string? value, string expectedField, string expectedWords)
    {
        var values = Values(Good, (field, value));

        var result = Validator.Validate(values, 7, out var problem);

        Assert.Null(result);
        Assert.Equal(expectedField, problem.Field);
        Assert.Contains(expectedWords, problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_good_received_event_keeps_its_values()
    {
        var e = Validator.Validate(Values(Good), 3, out _)!;

        Assert.Equal(("E1", "D1", EventCodes.Received, "72", (byte)2, (byte)2, (byte)2), (e.EventId, e.DossierId, e.EventType, e.ProvinceCode, e.Level, e.Channel, e.OnlineEnabled));
        Assert.Equal(new DateTimeOffset(2025, 3, 6, 10, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), e.DueAtMs);
        Assert.Equal(3, e.Line);
    }

    [Theory]
    [InlineData("2025-06-30T23:59:00+07:00", "72", "district", true)]   // last minute of the 63 provinces
    [InlineData("2025-07-01T00:00:00+07:00", "72", "commune", false)]   // 72 no longer exists
    [InlineData("2025-07-01T00:00:00+07:00", "80", "commune", true)]    // 80 is the new Tây Ninh
    [InlineData("2025-07-01T00:00:00+07:00", "80", "district", false)]  // no district level any more
    public void Province_and_level_are_read_in_the_geography_of_the_event_date(string at, string province, string level, bool valid)
    {
        var values = Values(Good, ("occurred_at", at), ("province_code", province), ("level", level), ("due_at", null));

        Assert.Equal(valid, Validator.Validate(values, 1, out _) is not null);
    }

    [Theory]
    [InlineData("resolved", "outcome", null, "outcome")]
    [InlineData("resolved", "outcome", "maybe", "outcome")]
    [InlineData("rated", "rating", null, "rating")]
    [InlineData("returned", "channel", null, "channel")]
    [InlineData("due_changed", "due_at", null, "due_at")]
    public void Each_event_type_requires_its_own_fields(string type, string field, string? value, string expectedField)
    {
        var values = Values(new Dictionary<string, string>
        {
            ["event_id"] = "E2", ["dossier_id"] = "D1", ["event_type"] = type, ["occurred_at"] = "2025-03-04T09:00:00",
        }, (field, value));

        Assert.Null(Validator.Validate(values, 1, out var problem));
        Assert.Equal(expectedField, problem.Field);
    }

    [Fact]
    public void Events_other_than_received_need_no_unit()
    {
        var values = Values(new Dictionary<string, string>
        {
            ["event_id"] = "E3", ["dossier_id"] = "D1", ["event_type"] = "resolved", ["occurred_at"] = "2025-03-04T09:00:00", ["outcome"] = "approved",
        });

        Assert.Equal(EventCodes.Resolved, Validator.Validate(values, 1, out _)?.EventType);
    }

    private static string?[] Values(IReadOnlyDictionary<string, string> baseline, params (string Field, string? Value)[] changes)
    {
        var values = new string?[EventFields.Names.Length];
        foreach (var (key, value) in baseline)
        {
            values[EventFields.IndexOf(key)] = value;
        }

        foreach (var (field, value) in changes)
        {
            values[EventFields.IndexOf(field)] = value;
        }

        return values;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
    }
}
