using System.Globalization;
using ReformMetrics.Synthetic.Output;

namespace ReformMetrics.Synthetic;

/// <summary>Counters and file list of a whole run.</summary>
internal sealed class RunState(GeneratorOptions options, Geography geography)
{
    public GeneratorOptions Options { get; } = options;
    public Geography Geography { get; } = geography;
    public long Dossiers { get; set; }
    public long Rows { get; set; }
    public long Events { get; set; }
    public long DuplicateRows { get; set; }
    public long MalformedRows { get; set; }
    public int MalformedTurn { get; set; }
    public SortedDictionary<string, long> NoiseCounts { get; } = new(StringComparer.Ordinal);
    public List<string> Files { get; } = [];

    /// <summary>Rows held back for the next month's files: late events and late duplicates, keyed by file province.</summary>
    public List<(string Province, string?[] Fields)> Deferred { get; set; } = [];

    public void Count(string kind) => NoiseCounts[kind] = NoiseCounts.GetValueOrDefault(kind) + 1;
}

/// <summary>One month of output: a writer per province, and the noise applied to the dossiers active in it.</summary>
internal sealed class Window
{
    private readonly RunState _run;
    private readonly string _month;
    private readonly DateTime _start;
    private readonly DateTime _end;
    private readonly bool _isLast;
    private readonly SortedDictionary<string, EventFileWriter> _writers = new(StringComparer.Ordinal);
    private readonly List<(string Province, string?[] Fields)> _deferNext = [];
    private readonly List<string?[]> _rows = [];
    private readonly List<int> _indexes = [];

    public Window(RunState run, DateOnly month, DateTime start, DateTime end, bool isLast)
    {
        _run = run;
        _month = month.ToString("yyyyMM", CultureInfo.InvariantCulture);
        _start = start;
        _end = end;
        _isLast = isLast;
        foreach (var (province, fields) in run.Deferred)
        {
            Write(province, fields);
        }
    }

    /// <summary>Writes the dossier's events that happen in this month; true when it has events in later months of the run.</summary>
    public bool Emit(SyntheticDossier d, ulong seed, DateTime runEnd)
    {
        _rows.Clear();
        _indexes.Clear();
        var later = false;
        for (var i = 0; i < d.Events.Count; i++)
        {
            var at = d.Events[i].At;
            if (at >= _end)
            {
                later |= at < runEnd;
            }
            else if (at >= _start)
            {
                _rows.Add(EventRows.Fields(d, i));
                _indexes.Add(i);
            }
        }

        if (_rows.Count == 0)
        {
            return later;
        }

        var province = d.FileProvince(d.Events[_indexes[0]].At);
        if (_run.Options.Noise > 0)
        {
            var noise = new Rng(Rng.Mix(seed ^ 0x5EED_0F_0015E, (ulong)_start.Ticks));
            if (noise.Chance(_run.Options.Noise))
            {
                ApplyNoise(ref noise, d, province);
            }
        }

        foreach (var row in _rows)
        {
            Write(province, row);
            _run.Events++;
        }

        return later;
    }

    public void Close()
    {
        foreach (var writer in _writers.Values)
        {
            writer.Dispose();
        }

        _run.Deferred = [.. _deferNext];
    }

    private void ApplyNoise(ref Rng noise, SyntheticDossier d, string province)
    {
        var kinds = Noise.ValidKinds.Length + 1;
        var pick = noise.Next(kinds);
        if (pick == Noise.ValidKinds.Length)
        {
            Malformed(d, province);
            return;
        }

        var kind = Noise.ValidKinds[pick];
        var receivedHere = _indexes[0] == 0;
        var nextProvince = d.FileProvince(_end);
        if (_isLast && kind is Noise.DuplicateLaterFile or Noise.LateEvent or Noise.ReceivedLater)
        {
            kind = Noise.DuplicateSameFile;
        }

        if (kind == Noise.ReceivedLater && !receivedHere)
        {
            kind = Noise.LateEvent;
        }

        if (kind == Noise.LateEvent && _rows.Count < 2 && !receivedHere)
        {
            kind = Noise.DuplicateLaterFile;
        }

        switch (kind)
        {
            case Noise.DuplicateSameFile:
                _rows.Add(_rows[noise.Next(_rows.Count)]);
                _run.DuplicateRows++;
                _run.Events--;
                break;
            case Noise.DuplicateLaterFile:
                _deferNext.Add((nextProvince, _rows[noise.Next(_rows.Count)]));
                _run.DuplicateRows++;
                break;
            case Noise.OutOfOrder:
                _rows.Reverse();
                break;
            case Noise.ReceivedLater:
                _deferNext.Add((nextProvince, _rows[0]));
                _rows.RemoveAt(0);
                _run.Events++;
                break;
            default:
                var moved = _rows.Count - 1;
                _deferNext.Add((nextProvince, _rows[moved]));
                _rows.RemoveAt(moved);
                _run.Events++;
                break;
        }

        _run.Count(kind);
    }

    private void Malformed(SyntheticDossier d, string province)
    {
        var kind = Noise.MalformedKinds[_run.MalformedTurn++ % Noise.MalformedKinds.Length];
        if (_run.Options.Ndjson && kind is "invalid_utf8")
        {
            kind = "control_character";
        }

        var fields = EventRows.Fields(d, 0);
        fields[0] += "~" + kind;
        var first = _rows[0][3]!;
        fields[3] = first;
        if (fields[11] is not null && string.CompareOrdinal(fields[11], first) < 0)
        {
            fields[11] = null;
        }

        Noise.Break(kind, fields, d.Province.Code2025, first);
        var writer = WriterFor(province);
        switch (kind)
        {
            case "invalid_utf8": writer.WriteInvalidUtf8(fields); break;
            case "truncated_row": writer.WriteTruncated(fields); break;
            case "broken_structure": writer.WriteBrokenStructure(fields); break;
            default: writer.Write(fields); break;
        }

        _run.Rows++;
        _run.MalformedRows++;
        _run.Count(kind);
    }

    private void Write(string province, string?[] fields)
    {
        WriterFor(province).Write(fields);
        _run.Rows++;
    }

    private EventFileWriter WriterFor(string province)
    {
        if (!_writers.TryGetValue(province, out var writer))
        {
            var name = $"events-{_month}-{province}" + (_run.Options.Ndjson ? ".ndjson" : ".csv");
            writer = EventFileWriter.Create(Path.Combine(_run.Options.OutputDirectory, name), _run.Options.Ndjson);
            _writers[province] = writer;
            _run.Files.Add(name);
        }

        return writer;
    }
}
