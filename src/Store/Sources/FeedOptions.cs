using System.ComponentModel.DataAnnotations;

namespace ReformMetrics.Store.Sources;

/// <summary>The "Feed" section: what the continuous feed of the source systems is expected to do.</summary>
public sealed class FeedOptions
{
    public const string SectionName = "Feed";

    /// <summary>How long a source system (reform sources add) may go without events accepted through POST /api/events before
    /// the administration page flags it (and reform sources list warns). Written as a time span, e.g. "02:00:00"; from 5
    /// minutes (the one-stop systems send in batches every few minutes) to 7 days (past a week the flag says nothing).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00",
        ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true,
        ErrorMessage = "Feed:SilentSourceAfter phải từ 5 phút (00:05:00) đến 7 ngày (7.00:00:00), ví dụ 02:00:00 cho 2 giờ.")]
    public TimeSpan SilentSourceAfter { get; set; } = TimeSpan.FromHours(2);
}
