namespace ReformMetrics.Synthetic;

/// <summary>The kinds of trouble `--noise` puts into the files. The valid kinds change when or how often an event
/// arrives, never what it says, so ingestion must end with the same dossiers; every malformed kind is a row the
/// validator must refuse (and a test checks that exactly these rows are quarantined).</summary>
internal static class Noise
{
    public const string DuplicateSameFile = "duplicate_same_file";
    public const string DuplicateLaterFile = "duplicate_later_file";
    public const string LateEvent = "late_event";
    public const string OutOfOrder = "out_of_order";
    public const string ReceivedLater = "received_in_later_file";

    public static readonly string[] ValidKinds = [DuplicateSameFile, DuplicateLaterFile, LateEvent, OutOfOrder, ReceivedLater];

    public static readonly string[] MalformedKinds =
    [
        "missing_required", "unknown_event_type", "bad_time", "time_out_of_range", "unknown_province", "district_after_merger",
        "bad_level", "bad_channel", "bad_online_enabled", "due_before_received", "bad_due", "bad_outcome", "bad_rating",
        "too_long", "control_character", "invalid_utf8", "truncated_row", "broken_structure", "due_changed_without_due",
    ];

    /// <summary>Breaks a copy of a received row (fields in contract order) the way <paramref name="kind"/> says; the
    /// structural kinds (invalid_utf8, truncated_row, broken_structure) are written by the file writer.</summary>
    public static void Break(string kind, string?[] f, string province2025, string occurredAt)
    {
        switch (kind)
        {
            case "missing_required": f[1] = null; break;
            case "unknown_event_type": f[2] = "recieved"; break;
            case "bad_time": f[3] = "2025-13-45T25:61:00"; break;
            case "time_out_of_range": f[3] = "2014-06-02T09:00:00+07:00"; break;
            case "unknown_province": f[4] = "99"; break;
            case "district_after_merger": f[3] = "2025-07-02T09:00:00+07:00"; f[4] = province2025; f[5] = "district"; f[11] = "2025-07-09T17:00:00+07:00"; break;
            case "bad_level": f[5] = "ward"; break;
            case "bad_channel": f[9] = "fax"; break;
            case "bad_online_enabled": f[10] = "yes"; break;
            case "due_before_received": f[11] = string.Concat("2015-01-05", occurredAt.AsSpan(10)); break;
            case "bad_due": f[11] = "tuần sau"; break;
            case "bad_outcome": f[2] = "resolved"; f[12] = "maybe"; break;
            case "bad_rating": f[2] = "rated"; f[13] = "excellent"; break;
            case "too_long": f[6] = new string('A', 300); break;
            case "control_character": f[0] += "\u0007"; break;
            case "due_changed_without_due": f[2] = "due_changed"; f[11] = null; break;
            default: break;
        }
    }
}
