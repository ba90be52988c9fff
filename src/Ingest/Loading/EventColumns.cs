using ReformMetrics.Ingest.Contract;

namespace ReformMetrics.Ingest.Loading;

/// <summary>
/// The valid events of a batch, column by column, as the events table stores them: strings as Native entries
/// (<see cref="Utf8Column"/>), enumerations as their Enum8 codes (0 absent), times as Unix milliseconds. Validation
/// appends to it and the loader writes it out, so a row costs no object of its own; instances are reused.
/// </summary>
public sealed class EventColumns
{
    /// <summary>Marks a row without a deadline in <see cref="DueAtMs"/>.</summary>
    public const long NoDeadline = long.MinValue;

    private byte[] _type = new byte[1024];
    private byte[] _level = new byte[1024];
    private byte[] _channel = new byte[1024];
    private byte[] _online = new byte[1024];
    private byte[] _outcome = new byte[1024];
    private byte[] _rating = new byte[1024];
    private long[] _occurredAt = new long[1024];
    private long[] _dueAt = new long[1024];
    private long[] _line = new long[1024];

    public int Count { get; private set; }

    public Utf8Column EventId { get; } = new();
    public Utf8Column DossierId { get; } = new();
    public CodeColumn ProvinceCode { get; } = new();
    public CodeColumn AgencyCode { get; } = new();
    public CodeColumn SectorCode { get; } = new();
    public CodeColumn ProcedureCode { get; } = new();
    public Utf8Column Reason { get; } = new();

    public ReadOnlySpan<byte> EventType => _type.AsSpan(0, Count);
    public ReadOnlySpan<byte> Level => _level.AsSpan(0, Count);
    public ReadOnlySpan<byte> Channel => _channel.AsSpan(0, Count);

    /// <summary>0 absent, 1 false, 2 true.</summary>
    public ReadOnlySpan<byte> OnlineEnabled => _online.AsSpan(0, Count);
    public ReadOnlySpan<byte> Outcome => _outcome.AsSpan(0, Count);
    public ReadOnlySpan<byte> Rating => _rating.AsSpan(0, Count);
    public ReadOnlySpan<long> OccurredAtMs => _occurredAt.AsSpan(0, Count);

    /// <summary>The deadline, or <see cref="NoDeadline"/>.</summary>
    public ReadOnlySpan<long> DueAtMs => _dueAt.AsSpan(0, Count);

    /// <summary>Line of the source each event came from.</summary>
    public ReadOnlySpan<long> Line => _line.AsSpan(0, Count);

    /// <summary>Working space of the loader, kept with the batch so that its arrays are reused with it.</summary>
    internal BatchScratch Scratch { get; } = new();

    internal void Add(
        ReadOnlySpan<char> eventId, ReadOnlySpan<char> dossierId, byte type, long occurredAt, ReadOnlySpan<char> province, byte level,
        ReadOnlySpan<char> agency, ReadOnlySpan<char> sector, ReadOnlySpan<char> procedure, byte channel, byte online, long dueAt,
        byte outcome, byte rating, ReadOnlySpan<char> reason, long line)
    {
        if (Count == _type.Length)
        {
            Grow();
        }

        Scratch.Indexed = false;
        EventId.Add(eventId);
        DossierId.Add(dossierId);
        ProvinceCode.Add(province);
        AgencyCode.Add(agency);
        SectorCode.Add(sector);
        ProcedureCode.Add(procedure);
        Reason.Add(reason);
        _type[Count] = type;
        _level[Count] = level;
        _channel[Count] = channel;
        _online[Count] = online;
        _outcome[Count] = outcome;
        _rating[Count] = rating;
        _occurredAt[Count] = occurredAt;
        _dueAt[Count] = dueAt;
        _line[Count] = line;
        Count++;
    }

    /// <summary>Drops the last row (a multi-line CSV row found to have swallowed its neighbours).</summary>
    public void RemoveLast()
    {
        Count--;
        Scratch.Indexed = false;
        foreach (var column in Strings)
        {
            column.RemoveLast();
        }

        foreach (var column in Codes)
        {
            column.RemoveLast();
        }
    }

    public void Clear()
    {
        Count = 0;
        Scratch.Indexed = false;
        Scratch.Excluded = null;
        foreach (var column in Strings)
        {
            column.Clear();
        }

        foreach (var column in Codes)
        {
            column.Clear();
        }
    }

    /// <summary>Row <paramref name="row"/> as an object, for tests and messages; the load path never builds one.</summary>
    public ValidEvent ToEvent(int row) => new()
    {
        EventId = EventId.GetString(row), DossierId = DossierId.GetString(row), EventType = _type[row], OccurredAtMs = _occurredAt[row],
        ProvinceCode = ProvinceCode.GetString(row), Level = _level[row], AgencyCode = AgencyCode.GetString(row),
        SectorCode = SectorCode.GetString(row), ProcedureCode = ProcedureCode.GetString(row), Channel = _channel[row],
        OnlineEnabled = _online[row], DueAtMs = _dueAt[row] == NoDeadline ? null : _dueAt[row], Outcome = _outcome[row],
        Rating = _rating[row], Reason = Reason.GetString(row), Line = _line[row],
    };

    private IEnumerable<Utf8Column> Strings => [EventId, DossierId, Reason];

    private IEnumerable<CodeColumn> Codes => [ProvinceCode, AgencyCode, SectorCode, ProcedureCode];

    private void Grow()
    {
        var size = _type.Length * 2;
        Array.Resize(ref _type, size);
        Array.Resize(ref _level, size);
        Array.Resize(ref _channel, size);
        Array.Resize(ref _online, size);
        Array.Resize(ref _outcome, size);
        Array.Resize(ref _rating, size);
        Array.Resize(ref _occurredAt, size);
        Array.Resize(ref _dueAt, size);
        Array.Resize(ref _line, size);
    }
}
