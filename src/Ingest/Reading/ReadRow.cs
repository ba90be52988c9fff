using ReformMetrics.Ingest.Contract;

namespace ReformMetrics.Ingest.Reading;

/// <summary>One data row of a source: the event it holds, or why it was rejected.</summary>
public readonly record struct ReadRow(ValidEvent? Event, Rejection? Rejection);

/// <summary>A source that cannot be read as a whole (no usable header, not UTF-8 text, unknown format).</summary>
public sealed class SourceFormatException(string message) : Exception(message);
