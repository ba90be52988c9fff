using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ReformMetrics.Ingest.Limits;

/// <summary>What <see cref="BoundedLineStream"/> cut out of a source instead of handing it to the reader.</summary>
/// <param name="Bytes">Length of the line cut, in bytes (without its line break).</param>
/// <param name="Start">Its first bytes, as text, for the rejected row.</param>
/// <param name="QuoteNotClosed">The line opened a quoted value that ran on past the limit (CSV): the line was cut alone and
/// the lines after it are read as rows of their own.</param>
public sealed record LineCut(long Bytes, string Start, bool QuoteNotClosed);

/// <summary>
/// Hands a text source on unchanged, except that a row longer than the limit never reaches the reader: a line (NDJSON, or
/// CSV) longer than the limit is replaced by <see cref="Marker"/>, read past without being held, and queued in
/// <see cref="Cuts"/>; the reader turns each marker into one rejected row and reads on at the next line. With
/// <c>quotes</c> (CSV) a row is what the CSV reader sees as one (a quoted value may span lines; every <c>"</c> opens or
/// closes one): when a quote opened on a line runs on past the limit, that line alone is cut and the following lines are
/// read as rows of their own. Holds at most the limit plus 64 KiB, whatever the input.
/// </summary>
/// <remarks>
/// Checking costs two vectorised scans per window of the limit's size (the last line break, and the number of quotes
/// before it), not a pass per line: every line in a window ending with a line break outside quotes is within the limit.
/// </remarks>
public sealed class BoundedLineStream : ReadOnlyWrapperStream
{
    private const int ReadSize = 64 * 1024;
    private readonly int _limit;
    private readonly bool _quotes;
    private readonly int _keep;
    private readonly byte[] _buffer;
    private readonly byte[] _marker;
    private int _start;      // next byte to hand out
    private int _checked;    // end of the bytes checked, ready to hand out
    private int _end;        // end of the bytes read
    private int _markerSent = -1; // bytes of the marker handed out, or -1 when none is due
    private bool _eof;

    public BoundedLineStream(Stream inner, int limit, bool quotes, int keep = 4096)
        : base(inner)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 16);
        _limit = limit;
        _quotes = quotes;
        _keep = Math.Min(keep, limit);
        _buffer = new byte[limit + 1 + ReadSize];
        // Random, so that no source can forge a marker line.
        Marker = "\u0001cut-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        _marker = Encoding.ASCII.GetBytes(Marker);
    }

    /// <summary>The line handed to the reader in place of each cut line: control character, "cut-" and a random tag.</summary>
    public string Marker { get; }

    /// <summary>The cut lines, in order, for the readers to take one per marker line they meet.</summary>
    public Queue<LineCut> Cuts { get; } = new();

    public int Limit => _limit;

    /// <summary>Whether a line the reader got is a marker, and if so the cut it stands for.</summary>
    public bool IsCut(ReadOnlySpan<char> line, out LineCut? cut)
    {
        cut = null;
        if (Cuts.Count == 0 || line.Length != Marker.Length || !line.SequenceEqual(Marker))
        {
            return false;
        }

        cut = Cuts.Dequeue();
        return true;
    }

    /// <summary>Why a cut line was rejected, in Vietnamese, naming the limit.</summary>
    public string Reason(LineCut cut)
    {
        ArgumentNullException.ThrowIfNull(cut);
        return cut.QuoteNotClosed
            ? string.Format(RawBudget.Vietnamese,
                "dấu ngoặc kép mở ở dòng này không đóng trong {0:N0} byte (giới hạn một dòng, Intake:MaxLineBytes): dòng bị loại, các dòng sau được đọc riêng",
                _limit)
            : string.Format(RawBudget.Vietnamese,
                "dòng dài {0:N0} byte, vượt giới hạn {1:N0} byte một dòng (Intake:MaxLineBytes): dòng bị loại, các dòng sau vẫn được đọc",
                cut.Bytes, _limit);
    }

    /// <summary>The text kept for a cut line: its beginning, marked as cut with its length.</summary>
    public static string Raw(LineCut cut)
    {
        ArgumentNullException.ThrowIfNull(cut);
        return cut.Start.Length == 0 && cut.Bytes == 0
            ? string.Empty
            : cut.QuoteNotClosed
                ? cut.Start
                : string.Concat(cut.Start, string.Format(RawBudget.Vietnamese, "… [đã cắt, dòng dài {0:N0} byte]", cut.Bytes));
    }


    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            if (_markerSent >= 0)
            {
                var part = Math.Min(buffer.Length, _marker.Length - _markerSent);
                _marker.AsSpan(_markerSent, part).CopyTo(buffer);
                _markerSent += part;
                if (_markerSent == _marker.Length)
                {
                    _markerSent = -1;
                }

                return part;
            }

            if (_start < _checked)
            {
                var count = Math.Min(buffer.Length, _checked - _start);
                _buffer.AsSpan(_start, count).CopyTo(buffer);
                _start += count;
                return count;
            }

            if (_eof && _checked == _end)
            {
                return 0;
            }

            Check();
        }
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));


    /// <summary>Everything checked has been handed out: checks the next rows, reads more, or cuts the row that starts here.</summary>
    private void Check()
    {
        var available = _end - _checked;
        var window = _buffer.AsSpan(_checked, Math.Min(available, _limit + 1));
        var rowEnd = LastRowEnd(window);
        if (rowEnd >= 0)
        {
            _checked += rowEnd + 1;
            return;
        }

        if (window.Length <= _limit)
        {
            if (_eof)
            {
                // The last row, without a line break, within the limit (or an unclosed quote the reader reports).
                _checked = _end;
            }
            else
            {
                Fill();
            }

            return;
        }

        Cut();
    }

    /// <summary>Index of the last line break in <paramref name="window"/> that ends a row (outside quotes), or -1.</summary>
    private int LastRowEnd(ReadOnlySpan<byte> window)
    {
        var last = window.LastIndexOfAny((byte)'\n', (byte)'\r');
        if (last < 0 || !_quotes || (window[..last].Count((byte)'"') & 1) == 0)
        {
            return last;
        }

        // The last line break lies inside a quoted value: walk the lines for the last one outside quotes.
        var best = -1;
        var open = false;
        for (var position = 0; position <= last;)
        {
            var next = window[position..].IndexOfAny((byte)'\n', (byte)'\r');
            if (next < 0)
            {
                break;
            }

            open ^= (window.Slice(position, next).Count((byte)'"') & 1) == 1;
            if (!open)
            {
                best = position + next;
            }

            position += next + 1;
        }

        return best;
    }

    /// <summary>The row starting at the checked mark runs past the limit: hand out the marker instead of its first line.</summary>
    private void Cut()
    {
        var row = _buffer.AsSpan(_checked, _end - _checked);
        var firstBreak = row[..(_limit + 1)].IndexOfAny((byte)'\n', (byte)'\r');
        if (firstBreak >= 0)
        {
            // Only with quotes: the first line fits but opens a value that runs on. Cut it alone; go on at its line break.
            Cuts.Enqueue(new LineCut(firstBreak, Text(row[..Math.Min(firstBreak, _keep)]), QuoteNotClosed: true));
            _checked += firstBreak;
            _start = _checked;
            _markerSent = 0;
            return;
        }

        // The line itself is too long: keep its beginning, then read past it, holding nothing, to its line break.
        var start = Text(row[.._keep]);
        long length = 0;
        while (true)
        {
            var rest = _buffer.AsSpan(_checked, _end - _checked);
            var lineBreak = rest.IndexOfAny((byte)'\n', (byte)'\r');
            if (lineBreak >= 0)
            {
                length += lineBreak;
                _checked += lineBreak;
                break;
            }

            length += rest.Length;
            _checked = _end = 0;
            if (_eof)
            {
                break;
            }

            var read = Inner.Read(_buffer);
            if (read == 0)
            {
                _eof = true;
                break;
            }

            _end = read;
        }

        Cuts.Enqueue(new LineCut(length, start, QuoteNotClosed: false));
        _start = _checked;
        _markerSent = 0;
    }

    /// <summary>Reads more after what is held, first moving what is held to the front of the buffer.</summary>
    private void Fill()
    {
        if (_start > 0)
        {
            var held = _end - _start;
            _buffer.AsSpan(_start, held).CopyTo(_buffer);
            _checked -= _start;
            _end = held;
            _start = 0;
        }

        var read = Inner.Read(_buffer.AsSpan(_end));
        if (read == 0)
        {
            _eof = true;
        }
        else
        {
            _end += read;
        }
    }

    private static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
