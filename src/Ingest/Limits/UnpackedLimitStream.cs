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
public sealed class UnpackedLimitStream(Stream inner, long limit) : ReadOnlyWrapperStream(inner)
{
    private long _read;

    public override int Read(Span<byte> buffer) => Count(Inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    private int Count(int read)
    {
        _read += read;
        return _read > limit ? throw new SourceTooLargeException(limit) : read;
    }
}
