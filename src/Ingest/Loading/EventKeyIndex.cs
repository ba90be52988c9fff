using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace ReformMetrics.Ingest.Loading;

/// <summary>
/// A hash index over the rows of a batch by their key, the dossier alone or the dossier and event id, compared on
/// the rows' UTF-8 bytes (open addressing, no object per row). A hash match is always confirmed on the bytes, so two
/// different events are never taken for one.
/// </summary>
public sealed class EventKeyIndex
{
    // A slot holds the key's hash (high 32 bits) and its row + 1 (low 32 bits, 0 when free): one memory access per probe.
    private long[] _slots = [];
    private int _mask;
    private EventColumns? _columns;
    private bool _withEvent;

    public int Count { get; private set; }

    /// <summary>Empties the index for the rows of <paramref name="columns"/>.</summary>
    public void Reset(EventColumns columns, bool withEvent)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = columns;
        _withEvent = withEvent;
        Count = 0;
        var size = 1024;
        while (size < columns.Count * 2)
        {
            size *= 2;
        }

        if (_slots.Length != size)
        {
            _slots = new long[size];
        }
        else
        {
            Array.Clear(_slots);
        }

        _mask = size - 1;
    }

    /// <summary>
    /// Starts loading the slot where a key with this hash is looked for into the cache. The table is megabytes and
    /// its slots are visited in no order, so each probe would otherwise wait for memory; callers prefetch a few rows
    /// ahead of the one they probe.
    /// </summary>
    public unsafe void Prefetch(int hash)
    {
        if (Sse.IsSupported && _slots.Length > 0)
        {
            // A prefetch never faults, so the address may outlive the pin: at worst the wrong line is fetched.
            fixed (long* slot = &_slots[hash & _mask])
            {
                Sse.Prefetch0(slot);
            }
        }
    }

    /// <summary>Adds row <paramref name="row"/>, whose key hashes to <paramref name="hash"/> (<see cref="DossierHash"/> or
    /// <see cref="EventHash"/>), unless a row with its key is there already; returns that row, or -1 when added.</summary>
    [MethodImpl(HotPath.Options)]
    public int AddOrGet(int row, int hash)
    {
        var columns = _columns!;
        var existing = Probe(hash, columns.DossierId.Entry(row), _withEvent ? columns.EventId.Entry(row) : default, out var slot);
        if (existing >= 0)
        {
            return existing;
        }

        _slots[slot] = ((long)hash << 32) | (uint)(row + 1);
        Count++;
        return -1;
    }

    /// <summary>The row with this key (Native entries, as <see cref="Utf8Column.Entry"/> gives them, and their hash), or -1.</summary>
    public int Find(int hash, ReadOnlySpan<byte> dossier, ReadOnlySpan<byte> eventId) =>
        _columns is null ? -1 : Probe(hash, dossier, eventId, out _);

    /// <summary>The row with this key, or -1 and the free slot where it would go (linear probing).</summary>
    private int Probe(int hash, ReadOnlySpan<byte> dossier, ReadOnlySpan<byte> eventId, out int slot)
    {
        slot = hash & _mask;
        long entry;
        while ((entry = _slots[slot]) != 0)
        {
            var row = (int)(uint)entry - 1;
            if ((int)(entry >> 32) == hash && Same(row, dossier, eventId))
            {
                return row;
            }

            slot = (slot + 1) & _mask;
        }

        return -1;
    }

    public static ulong DossierHash(ReadOnlySpan<byte> dossier) => XxHash3.HashToUInt64(dossier);

    /// <summary>The hash of a (dossier, event id) key, from its dossier's hash.</summary>
    public static int EventHash(ulong dossierHash, ReadOnlySpan<byte> eventId) => Fold(XxHash3.HashToUInt64(eventId, (long)dossierHash));

    /// <summary>The hash of a (dossier, event id) key from its two entries.</summary>
    public static int EventHash(ReadOnlySpan<byte> dossier, ReadOnlySpan<byte> eventId) => EventHash(DossierHash(dossier), eventId);

    public static int Fold(ulong hash) => (int)(hash ^ (hash >> 32));

    /// <summary>The rows held, in no particular order.</summary>
    public IEnumerable<int> Rows()
    {
        foreach (var slot in _slots)
        {
            if (slot != 0)
            {
                yield return (int)(uint)slot - 1;
            }
        }
    }

    private bool Same(int row, ReadOnlySpan<byte> dossier, ReadOnlySpan<byte> eventId) =>
        _columns!.DossierId.Entry(row).SequenceEqual(dossier) && (!_withEvent || _columns.EventId.Entry(row).SequenceEqual(eventId));
}

/// <summary>The loader's working arrays for one batch: which rows to insert, and the two key indexes.</summary>
internal sealed class BatchScratch
{
    public EventKeyIndex Events { get; } = new();

    public EventKeyIndex Dossiers { get; } = new();

    public int[] Selected { get; private set; } = [];

    /// <summary>Each row's <see cref="EventKeyIndex.EventHash"/>, kept for the next batch's check against this one.</summary>
    public int[] EventHashes { get; private set; } = [];

    /// <summary>Each row's dossier hash, folded as the dossier index keys it.</summary>
    public int[] DossierHashes { get; private set; } = [];

    public int SelectedCount { get; set; }

    /// <summary>Rows still to insert while the batch is prepared.</summary>
    public bool[] Keep { get; private set; } = [];

    /// <summary>Whether <see cref="EventLoader.Index"/> ran on the batch's current rows.</summary>
    public bool Indexed { get; set; }

    /// <summary>Rows refused after reading (a bound source's rows of other provinces' dossiers), or null: neither inserted
    /// nor counted as duplicates; they are rejections of the batch.</summary>
    public bool[]? Excluded { get; set; }

    /// <summary>Rows whose event came earlier in the same batch.</summary>
    public long RepeatedWithin { get; set; }

    public void Prepare(int rows)
    {
        if (Selected.Length < rows)
        {
            Selected = new int[Math.Max(rows, 1024)];
            Keep = new bool[Selected.Length];
            EventHashes = new int[Selected.Length];
            DossierHashes = new int[Selected.Length];
        }

        SelectedCount = 0;
    }
}
