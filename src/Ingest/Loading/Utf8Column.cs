using System.Text;

namespace ReformMetrics.Ingest.Loading;

/// <summary>
/// A String column of a batch, held as ClickHouse's Native format writes it: each value as a VarUInt length
/// followed by its UTF-8 bytes, one after the other. Values are encoded once when read and copied as they are into
/// the block; keys are compared on these bytes, so a batch allocates no string per row.
/// </summary>
public sealed class Utf8Column
{
    private byte[] _bytes = new byte[1 << 16];
    private int[] _ends = new int[1 << 10];
    private int _length;

    public int Count { get; private set; }

    /// <summary>Bytes of every entry (length prefix and value) in order.</summary>
    public ReadOnlySpan<byte> AllEntries => _bytes.AsSpan(0, _length);

    public void Add(ReadOnlySpan<char> value)
    {
        Reserve(MaxEntryLength(value));
        var position = _length + WriteEntry(value, _bytes.AsSpan(_length));
        _length = position;
        if (Count == _ends.Length)
        {
            Array.Resize(ref _ends, _ends.Length * 2);
        }

        _ends[Count++] = position;
    }

    /// <summary>The entry of row <paramref name="row"/>: length prefix and value, as the Native format writes it.</summary>
    public ReadOnlySpan<byte> Entry(int row)
    {
        var start = row == 0 ? 0 : _ends[row - 1];
        return _bytes.AsSpan(start, _ends[row] - start);
    }

    /// <summary>The entries of the longest run of consecutive rows in <paramref name="rows"/> that starts at
    /// <paramref name="index"/>, as one span (they lie one after the other); moves <paramref name="index"/> past the run.</summary>
    public ReadOnlySpan<byte> NextRun(ReadOnlySpan<int> rows, ref int index)
    {
        var first = rows[index];
        var last = first;
        while (++index < rows.Length && rows[index] == last + 1)
        {
            last++;
        }

        var start = first == 0 ? 0 : _ends[first - 1];
        return _bytes.AsSpan(start, _ends[last] - start);
    }

    /// <summary>The UTF-8 value of row <paramref name="row"/>, without its length prefix.</summary>
    public ReadOnlySpan<byte> Value(int row)
    {
        var entry = Entry(row);
        var skip = 1;
        while ((entry[skip - 1] & 0x80) != 0)
        {
            skip++;
        }

        return entry[skip..];
    }

    public string GetString(int row) => Encoding.UTF8.GetString(Value(row));

    /// <summary>The entry a value would have in this column, to compare with <see cref="Entry"/>.</summary>
    public static byte[] EntryOf(string value)
    {
        var entry = new byte[MaxEntryLength(value)];
        return entry[..WriteEntry(value, entry)];
    }

    /// <summary>Room enough for the entry of <paramref name="value"/>.</summary>
    public static int MaxEntryLength(ReadOnlySpan<char> value) => Encoding.UTF8.GetMaxByteCount(value.Length) + 5;

    /// <summary>Writes the entry of <paramref name="value"/> (VarUInt length, then UTF-8) and returns its length.</summary>
    public static int WriteEntry(ReadOnlySpan<char> value, Span<byte> destination)
    {
        var position = 0;
        var length = (uint)Encoding.UTF8.GetByteCount(value);
        while (length >= 0x80)
        {
            destination[position++] = (byte)(length | 0x80);
            length >>= 7;
        }

        destination[position++] = (byte)length;
        return position + Encoding.UTF8.GetBytes(value, destination[position..]);
    }

    public void RemoveLast()
    {
        Count--;
        _length = Count == 0 ? 0 : _ends[Count - 1];
    }

    public void Clear()
    {
        Count = 0;
        _length = 0;
    }

    private void Reserve(int bytes)
    {
        if (_length + bytes > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + bytes));
        }
    }
}
