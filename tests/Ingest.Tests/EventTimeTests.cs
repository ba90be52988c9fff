using ReformMetrics.Ingest.Contract;

namespace ReformMetrics.Ingest.Tests;

public sealed class EventTimeTests
{
    [Theory]
    [InlineData("2025-03-03T09:00:00+07:00", "2025-03-03T02:00:00Z")]
    [InlineData("2025-03-03T09:00:00", "2025-03-03T02:00:00Z")]          // no offset: Vietnam time
    [InlineData("2025-03-03 09:00", "2025-03-03T02:00:00Z")]
    [InlineData("2025-03-03T02:00:00Z", "2025-03-03T02:00:00Z")]
    [InlineData("2025-03-03T09:00:00.5+0700", "2025-03-03T02:00:00.5Z")]
    [InlineData("2025-03-03T09:00:00.123456+07:00", "2025-03-03T02:00:00.123Z")]
    [InlineData("2025-03-03T04:00:00-05:00", "2025-03-03T09:00:00Z")]
    [InlineData("2024-02-29T23:59:59+07:00", "2024-02-29T16:59:59Z")]
    public void Parses_iso_times_to_utc(string text, string expectedUtc)
    {
        Assert.True(EventTime.TryParse(text, out var ms));
        Assert.Equal(DateTimeOffset.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), ms);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2025-03-03")]
    [InlineData("03/03/2025 09:00")]
    [InlineData("2025-02-30T09:00:00")]
    [InlineData("2025-13-01T09:00:00")]
    [InlineData("2025-03-03T24:00:00")]
    [InlineData("2025-03-03T09:00:00+25:00")]
    [InlineData("2025-03-03T09:00:00 UTC")]
    [InlineData("2025-03-03T09:00:00.")]
    [InlineData("２０２５-03-03T09:00")]
    public void Refuses_what_is_not_an_iso_time(string text)
    {
        Assert.False(EventTime.TryParse(text, out _));
    }
}
