using ReformMetrics.Ingest.Reading;

namespace ReformMetrics.Ingest.Limits;

/// <summary>A gzip source that unpacks to more than its limit: refused as a whole (a gzip bomb, or a source to split).</summary>
public sealed class SourceTooLargeException(long limit) : SourceFormatException(string.Format(RawBudget.Vietnamese,
    "nội dung giải nén vượt giới hạn {0:N0} byte (Intake:MaxUnpackedBodyBytes cho HTTP, Intake:MaxUnpackedFileBytes cho tệp): có thể là một \"bom gzip\"; nếu là dữ liệu thật, hãy chia nhỏ",
    limit))
{
    public long Limit { get; } = limit;
}

/// <summary>Counts what a decompressing stream hands out and throws <see cref="SourceTooLargeException"/> past the limit.</summary>
public sealed class UnpackedLimitStream(Stream inner, long limit) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Count(int read)
    {
        _read += read;
        return _read > limit ? throw new SourceTooLargeException(limit) : read;
    }
}
