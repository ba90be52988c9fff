using System.Globalization;
using ReformMetrics.Ingest.Contract;

namespace ReformMetrics.Ingest.Limits;

/// <summary>
/// Caps the text kept for rejected rows: each row keeps at most <see cref="IntakeOptions.MaxRawChars"/> characters, and once
/// a batch has kept <see cref="IntakeOptions.MaxRawCharsPerBatch"/>, each further row keeps <see cref="ShortChars"/>. A cut
/// text ends with a mark giving the original length. One budget per batch, reset with <see cref="Reset"/>.
/// </summary>
public sealed class RawBudget(IntakeOptions options)
{
    public const int ShortChars = 80;
    internal static readonly CultureInfo Vietnamese = CultureInfo.GetCultureInfo("vi-VN");
    private long _left = options.MaxRawCharsPerBatch;

    public Rejection Cap(Rejection rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        var keep = _left > 0 ? options.MaxRawChars : ShortChars;
        var capped = rejection.Raw.Length <= keep ? rejection : rejection with { Raw = Cut(rejection.Raw, keep) };
        _left -= capped.Raw.Length;
        return capped;
    }

    public void Reset() => _left = options.MaxRawCharsPerBatch;

    /// <summary>The first <paramref name="keep"/> characters of a text, marked as cut with its length.</summary>
    public static string Cut(string raw, int keep)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (keep > 0 && char.IsHighSurrogate(raw[keep - 1]))
        {
            keep--;
        }

        return string.Concat(raw.AsSpan(0, keep), string.Format(Vietnamese, "… [đã cắt, dài {0:N0} ký tự]", raw.Length));
    }
}
