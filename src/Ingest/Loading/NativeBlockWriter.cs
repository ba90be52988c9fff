using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace ReformMetrics.Ingest.Loading;

/// <summary>
/// Serialises a batch of events as one block of ClickHouse's Native format (column by column). ClickHouse stores a
/// Native block at about 2.5 times the speed of the same rows in RowBinary (measured: 2 M events, 1.5 s against
/// 3.8 s), since it needs no per-row parsing. Enumerations are sent as Int8 and strings as String; the server
/// converts them to the table's Enum8 and LowCardinality columns. Times are DateTime64(3, 'UTC') instants.
/// </summary>
public sealed class NativeBlockWriter
{
    public static readonly string[] Columns =
    [
        "event_id", "dossier_id", "event_type", "occurred_at", "province_code", "level", "agency_code", "sector_code",
        "procedure_code", "channel", "online_enabled", "due_at", "outcome", "rating", "reason", "source", "load_id",
    ];

    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);

    public ReadOnlyMemory<byte> Written => _buffer.WrittenMemory;

    /// <summary>One block of a single String column: the given rows of <paramref name="values"/>.</summary>
    public void WriteStrings(string column, Utf8Column values, ReadOnlySpan<int> rows)
    {
        ArgumentNullException.ThrowIfNull(values);
        _buffer.ResetWrittenCount();
        VarUInt(1);
        VarUInt((ulong)rows.Length);
        StringColumn(column, values, rows);
    }

    /// <summary>One block of the selected rows of <paramref name="events"/>, replacing what the buffer held.</summary>
    [MethodImpl(HotPath.Options)]
    public void Write(EventColumns events, ReadOnlySpan<int> rows, string source, string loadId)
    {
        ArgumentNullException.ThrowIfNull(events);
        _buffer.ResetWrittenCount();
        VarUInt((ulong)Columns.Length);
        VarUInt((ulong)rows.Length);
        StringColumn("event_id", events.EventId, rows);
        StringColumn("dossier_id", events.DossierId, rows);
        ByteColumn("event_type", events.EventType, rows, nullable: false);
        Int64Column("occurred_at", "DateTime64(3, 'UTC')", events.OccurredAtMs, rows);
        CodeColumn("province_code", events.ProvinceCode, rows);
        ByteColumn("level", events.Level, rows, nullable: true);
        CodeColumn("agency_code", events.AgencyCode, rows);
        CodeColumn("sector_code", events.SectorCode, rows);
        CodeColumn("procedure_code", events.ProcedureCode, rows);
        ByteColumn("channel", events.Channel, rows, nullable: true);
        // online_enabled: 0 absent, 1 false, 2 true; as Nullable(Bool) the value is code - 1.
        Header("online_enabled", "Nullable(Bool)");
        var online = events.OnlineEnabled;
        foreach (var row in rows)
        {
            Byte(online[row] == 0 ? (byte)1 : (byte)0);
        }

        foreach (var row in rows)
        {
            Byte(online[row] == 0 ? (byte)0 : (byte)(online[row] - 1));
        }

        Header("due_at", "Nullable(DateTime64(3, 'UTC'))");
        var due = events.DueAtMs;
        foreach (var row in rows)
        {
            Byte(due[row] == EventColumns.NoDeadline ? (byte)1 : (byte)0);
        }

        foreach (var row in rows)
        {
            Int64(due[row] == EventColumns.NoDeadline ? 0 : due[row]);
        }

        ByteColumn("outcome", events.Outcome, rows, nullable: true);
        ByteColumn("rating", events.Rating, rows, nullable: true);
        StringColumn("reason", events.Reason, rows);
        ConstantColumn("source", source, rows.Length);
        ConstantColumn("load_id", loadId, rows.Length);
    }

    private void StringColumn(string name, Utf8Column column, ReadOnlySpan<int> rows)
    {
        Header(name, "String");
        // Runs of consecutive rows are copied whole: every row, in order, is the usual case and one copy.
        for (var index = 0; index < rows.Length;)
        {
            Bytes(column.NextRun(rows, ref index));
        }
    }

    /// <summary>
    /// A column with one value in every row, as LowCardinality(String): a dictionary of two keys (the default '' and the
    /// value) and one byte per row, instead of the value repeated (a load id is 67 bytes).
    /// </summary>
    private void ConstantColumn(string name, string value, int count)
    {
        LowCardinalityHeader(name, keys: 2, indexBytes: 1);
        Byte(0);
        Bytes(Utf8Column.EntryOf(value));
        UInt64((ulong)count);
        _buffer.GetSpan(count)[..count].Fill(1);
        _buffer.Advance(count);
    }

    /// <summary>A code column as LowCardinality(String): the batch's dictionary, then each selected row's index.</summary>
    private void CodeColumn(string name, CodeColumn column, ReadOnlySpan<int> rows)
    {
        var keys = column.Keys;
        var width = keys.Count <= byte.MaxValue + 1 ? 1 : keys.Count <= ushort.MaxValue + 1 ? 2 : 4;
        LowCardinalityHeader(name, keys.Count, width);
        Bytes(keys.AllEntries);
        UInt64((ulong)rows.Length);
        var indexes = column.Indexes;
        var span = _buffer.GetSpan(rows.Length * width);
        for (var i = 0; i < rows.Length; i++)
        {
            var index = indexes[rows[i]];
            switch (width)
            {
                case 1:
                    span[i] = (byte)index;
                    break;
                case 2:
                    BinaryPrimitives.WriteUInt16LittleEndian(span[(i * 2)..], (ushort)index);
                    break;
                default:
                    BinaryPrimitives.WriteUInt32LittleEndian(span[(i * 4)..], (uint)index);
                    break;
            }
        }

        _buffer.Advance(rows.Length * width);
    }

    /// <summary>
    /// The start of a LowCardinality(String) column as ClickHouse itself writes it in Native: key version 1 (shared
    /// dictionaries with additional keys), then the index type (its width, with the flags "has additional keys" and
    /// "update dictionary") and the number of keys, which follow.
    /// </summary>
    private void LowCardinalityHeader(string name, int keys, int indexBytes)
    {
        Header(name, "LowCardinality(String)");
        UInt64(1);
        UInt64(0x0600 | (ulong)(indexBytes switch { 1 => 0, 2 => 1, _ => 2 }));
        UInt64((ulong)keys);
    }

    /// <summary>Int8, or Nullable(Int8) where 0 means absent: the null map, then the values.</summary>
    private void ByteColumn(string name, ReadOnlySpan<byte> values, ReadOnlySpan<int> rows, bool nullable)
    {
        Header(name, nullable ? "Nullable(Int8)" : "Int8");
        if (nullable)
        {
            foreach (var row in rows)
            {
                Byte(values[row] == 0 ? (byte)1 : (byte)0);
            }
        }

        foreach (var row in rows)
        {
            Byte(values[row]);
        }
    }

    private void Int64Column(string name, string type, ReadOnlySpan<long> values, ReadOnlySpan<int> rows)
    {
        Header(name, type);
        foreach (var row in rows)
        {
            Int64(values[row]);
        }
    }

    private void Header(string name, string type)
    {
        Bytes(Utf8Column.EntryOf(name));
        Bytes(Utf8Column.EntryOf(type));
    }

    private void Bytes(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer.GetSpan(bytes.Length));
        _buffer.Advance(bytes.Length);
    }

    private void Byte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    private void UInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    private void Int64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    private void VarUInt(ulong value)
    {
        var span = _buffer.GetSpan(10);
        var position = 0;
        while (value >= 0x80)
        {
            span[position++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[position++] = (byte)value;
        _buffer.Advance(position);
    }
}
