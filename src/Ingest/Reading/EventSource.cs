using System.IO.Compression;
using ReformMetrics.Ingest.Contract;
using ReformMetrics.Ingest.Limits;
using ReformMetrics.Ingest.Loading;
using ReformMetrics.Ingest.Validation;

namespace ReformMetrics.Ingest.Reading;

public enum SourceFormat
{
    Csv,
    Ndjson,
}

/// <summary>Opens an event file: CSV or NDJSON by extension (.csv, .ndjson, .jsonl, each optionally .gz), else by
/// its first character; gzip by its magic bytes. Counts the bytes read from disk for progress.</summary>
public static class EventSource
{
    public static SourceFormat FormatOf(string path, Stream content)
    {
        ArgumentNullException.ThrowIfNull(path);
        var name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        if (name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            return SourceFormat.Csv;
        }

        if (name.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            return SourceFormat.Ndjson;
        }

        return Sniff(content);
    }

    /// <summary>The decompressed content of a stream positioned at its start (gzip or plain); gzip content that unpacks to
    /// more than <paramref name="maxUnpackedBytes"/> throws <see cref="SourceTooLargeException"/> when read.</summary>
    public static Stream Decompressed(Stream raw, long maxUnpackedBytes = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var buffered = new BufferedStream(raw, 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        var read = buffered.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        buffered.Seek(-read, SeekOrigin.Current);
        return read == 2 && magic[0] == 0x1F && magic[1] == 0x8B
            ? new UnpackedLimitStream(new GZipStream(buffered, CompressionMode.Decompress), maxUnpackedBytes)
            : buffered;
    }

    /// <summary>True when <paramref name="content"/> (from <see cref="Decompressed"/>) unpacks gzip: its size says nothing of its rows.</summary>
    public static bool IsCompressed(Stream content) => content is UnpackedLimitStream;

    /// <summary>Reads the rows into <paramref name="sink"/>'s columns: null for each valid row, the rejection for a bad one.
    /// A row longer than <paramref name="maxLineBytes"/> is one rejection, read past without being held.</summary>
    public static IEnumerable<Rejection?> ReadInto(
        Stream content, SourceFormat format, EventValidator validator, EventSink sink, CancellationToken cancellationToken,
        int maxLineBytes = IntakeOptions.DefaultMaxLineBytes)
    {
        var lines = new BoundedLineStream(content, maxLineBytes, quotes: format == SourceFormat.Csv);
        return format == SourceFormat.Csv
            ? CsvEventReader.ReadInto(lines, validator, sink, cancellationToken)
            : NdjsonEventReader.ReadInto(lines, validator, sink, cancellationToken);
    }

    /// <summary>The rows one by one with their events as objects, for tests and tools; loading uses <see cref="ReadInto"/>.</summary>
    public static IEnumerable<ReadRow> Read(
        Stream content, SourceFormat format, EventValidator validator, CancellationToken cancellationToken, int maxLineBytes = IntakeOptions.DefaultMaxLineBytes)
    {
        var sink = new EventSink(new EventColumns());
        foreach (var rejection in ReadInto(content, format, validator, sink, cancellationToken, maxLineBytes))
        {
            if (rejection is not null)
            {
                yield return new ReadRow(null, rejection);
                continue;
            }

            var e = sink.Columns.ToEvent(sink.Columns.Count - 1);
            sink.Columns.Clear();
            yield return new ReadRow(e, null);
        }
    }

    /// <summary>NDJSON when the first character (after blanks and a byte order mark, inside gzip if any) is '{'.</summary>
    private static SourceFormat Sniff(Stream content)
    {
        if (!content.CanSeek)
        {
            return SourceFormat.Csv;
        }

        var start = content.Position;
        var probe = Decompressed(new NonClosing(content));
        int b;
        while ((b = probe.ReadByte()) is ' ' or '\t' or '\r' or '\n' or 0xEF or 0xBB or 0xBF)
        {
        }

        content.Position = start;
        return b == '{' ? SourceFormat.Ndjson : SourceFormat.Csv;
    }

    private sealed class NonClosing(Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
