using ReformMetrics.Ingest.Contract;
using ReformMetrics.Ingest.Loading;

namespace ReformMetrics.Ingest.Reading;

/// <summary>One data row of a source: the event it holds, or why it was rejected.</summary>
public readonly record struct ReadRow(ValidEvent? Event, Rejection? Rejection);

/// <summary>A source that cannot be read as a whole (no usable header, not UTF-8 text, unknown format).</summary>
public class SourceFormatException(string message) : Exception(message);

/// <summary>Where a reader appends valid events: the columns of the batch being filled, which the caller replaces at
/// each batch boundary.</summary>
public sealed class EventSink(EventColumns columns)
{
    public EventColumns Columns { get; set; } = columns;
}
