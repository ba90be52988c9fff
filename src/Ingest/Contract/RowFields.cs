namespace ReformMetrics.Ingest.Contract;

/// <summary>
/// The raw values of one source row by contract field, as the readers found them (CSV quotes removed), in one
/// reused buffer. An empty value counts as absent, as in the contract.
/// </summary>
public sealed class RowFields
{
    private readonly int[] _start = new int[EventFields.Names.Length];
    private readonly int[] _length = new int[EventFields.Names.Length];
    private char[] _chars = new char[1024];
    private int _used;

    public ReadOnlySpan<char> this[EventField field] => _chars.AsSpan(_start[(int)field], _length[(int)field]);

    public bool Has(EventField field) => _length[(int)field] > 0;

    public void Clear()
    {
        _used = 0;
        Array.Clear(_length);
    }

    public void Set(EventField field, ReadOnlySpan<char> value)
    {
        value.CopyTo(Begin(value.Length));
        End(field, value.Length);
    }

    /// <summary>Room for a value of at most <paramref name="maxLength"/> characters; <see cref="End"/> then records it.</summary>
    public Span<char> Begin(int maxLength)
    {
        if (_used + maxLength > _chars.Length)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _used + maxLength));
        }

        return _chars.AsSpan(_used, maxLength);
    }

    public void End(EventField field, int length)
    {
        _start[(int)field] = _used;
        _length[(int)field] = length;
        _used += length;
    }

    /// <summary>Fields from values indexed by <see cref="EventField"/> (null = absent).</summary>
    public static RowFields From(IReadOnlyList<string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var fields = new RowFields();
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is { } value)
            {
                fields.Set((EventField)i, value);
            }
        }

        return fields;
    }
}
