using System.Runtime.CompilerServices;
using nietras.SeparatedValues;
using ReformMetrics.Ingest.Contract;
using ReformMetrics.Ingest.Limits;
using ReformMetrics.Ingest.Loading;
using ReformMetrics.Ingest.Validation;

namespace ReformMetrics.Ingest.Reading;

/// <summary>
/// Reads contract events from CSV (UTF-8, header row, comma) with Sep, streaming, and validates each row.
/// Columns are matched by name; contract fields missing from the header are empty; unknown columns are ignored.
/// </summary>
/// <remarks>
/// A stray quote makes a CSV parser read on into the following lines. Such a row is recognised (it spans
/// several lines and does not fit the header or fails validation, or one of its continuation lines is a whole
/// row by itself) and its lines are read again one by one, so the broken line is rejected alone and the good
/// lines after it still load. A quoted value that spans lines (a reason with line breaks) is kept.
/// </remarks>
public static class CsvEventReader
{
    private static readonly EventField[] RequiredColumns = [EventField.EventId, EventField.DossierId, EventField.EventType, EventField.OccurredAt];

    /// <summary>Reads the rows, appending each valid event to <paramref name="sink"/>'s columns; yields null for a valid
    /// row and the rejection for a bad one, in line order. <paramref name="stream"/> bounds the rows, so Sep never holds
    /// more than its limit (left alone, it grows its buffer to 16 Mi characters and then fails the whole source).</summary>
    public static IEnumerable<Rejection?> ReadInto(BoundedLineStream stream, EventValidator validator, EventSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sink);
        using var reader = Open(stream);

        if (reader.Header.ColNames.Count == 1 && stream.IsCut(reader.Header.ColNames[0], out var headerCut))
        {
            throw new SourceFormatException($"Dòng tiêu đề không dùng được: {stream.Reason(headerCut!)}.");
        }

        var columns = MapHeader(reader.Header.ColNames);
        var fields = new RowFields();
        foreach (var row in reader)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (stream.Cuts.Count > 0 && stream.IsCut(row.Span, out var cut))
            {
                yield return new Rejection(row.LineNumberFrom, BoundedLineStream.Raw(cut!), "row", stream.Reason(cut!));
                continue;
            }
            var lines = row.LineNumberToExcl - row.LineNumberFrom;
            var rejection = ReadOne(row, row.LineNumberFrom, columns, fields, validator, sink.Columns);
            if (lines > 1 && (rejection is not null || SwallowedRows(row.Span.ToString(), columns.Length)))
            {
                if (rejection is null)
                {
                    sink.Columns.RemoveLast();
                }

                foreach (var recovered in Recover(row.Span.ToString(), row.LineNumberFrom, columns, validator, sink))
                {
                    yield return recovered;
                }

                continue;
            }

            yield return rejection;
        }
    }

    private static SepReader Open(Stream stream)
    {
        try
        {
            return Sep.Reader(o => o with
            {
                Sep = new Sep(','),
                HasHeader = true,
                // Unescaping in place would alter row.Span, which must stay the row as received (quarantine, recovery).
                Unescape = false,
                DisableColCountCheck = true,
            }).From(stream);
        }
        catch (ArgumentException ex)
        {
            // Sep refuses a header naming a column twice.
            throw new SourceFormatException($"Dòng tiêu đề không dùng được: một cột xuất hiện hai lần ({ex.Message}).");
        }
    }

    [MethodImpl(HotPath.Options)]
    private static Rejection? ReadOne(SepReader.Row row, long line, int[] columns, RowFields fields, EventValidator validator, EventColumns target)
    {
        if (row.ColCount != columns.Length)
        {
            return new Rejection(line, row.Span.ToString(), "row", $"có {row.ColCount} cột, tiêu đề có {columns.Length}");
        }

        fields.Clear();
        for (var i = 0; i < columns.Length; i++)
        {
            if (columns[i] < 0)
            {
                continue;
            }

            var span = row[i].Span;
            var field = (EventField)columns[i];
            if (span.Length > 0 && span[0] == '"')
            {
                if (!ClosedQuote(span))
                {
                    return new Rejection(line, row.Span.ToString(), EventFields.Names[columns[i]], "dấu ngoặc kép không đóng");
                }

                fields.End(field, Unquote(span, fields.Begin(span.Length)));
            }
            else
            {
                fields.Set(field, span);
            }
        }

        return validator.TryAdd(fields, line, target, out var problem)
            ? null
            : new Rejection(line, row.Span.ToString(), problem.Field, problem.Reason);
    }

    /// <summary>True when a line after the first of a multi-line row has as many fields as the header: a row of its
    /// own that a stray quote swallowed, not the continuation of a value.</summary>
    private static bool SwallowedRows(string text, int columns)
    {
        foreach (var line in text.Split('\n').Skip(1))
        {
            using var single = Sep.Reader(o => o with { Sep = new Sep(','), HasHeader = false, DisableColCountCheck = true }).FromText(line.TrimEnd('\r'));
            foreach (var row in single)
            {
                if (row.ColCount == columns && row.LineNumberToExcl - row.LineNumberFrom == 1)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Reads each physical line of a row that swallowed its neighbours as a row of its own.</summary>
    private static IEnumerable<Rejection?> Recover(string text, long firstLine, int[] columns, EventValidator validator, EventSink sink)
    {
        var lines = text.Split('\n');
        var fields = new RowFields();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var number = firstLine + i;
            if (line.Length == 0)
            {
                continue;
            }

            var before = sink.Columns.Count;
            using var single = Sep.Reader(o => o with { Sep = new Sep(','), HasHeader = false, DisableColCountCheck = true })
                .FromText(line);
            var rows = 0;
            Rejection? rejection = null;
            foreach (var row in single)
            {
                rows++;
                rejection = ReadOne(row, number, columns, fields, validator, sink.Columns);
            }

            if (rows == 1 && rejection is null)
            {
                yield return null;
                continue;
            }

            while (sink.Columns.Count > before)
            {
                sink.Columns.RemoveLast();
            }

            yield return new Rejection(number, line, rejection?.Field ?? "row", rejection?.Reason ?? "dấu ngoặc kép không đóng");
        }
    }

    /// <summary>Whether a field that opens with a quote also closes with one: an odd number of quotes at its end.</summary>
    private static bool ClosedQuote(ReadOnlySpan<char> field)
    {
        var trailing = 0;
        for (var i = field.Length - 1; i >= 1 && field[i] == '"'; i--)
        {
            trailing++;
        }

        return trailing % 2 == 1;
    }

    /// <summary>Writes the value of a quoted field (without its quotes, doubled quotes made single) to <paramref name="target"/>;
    /// returns its length.</summary>
    private static int Unquote(ReadOnlySpan<char> field, Span<char> target)
    {
        var inner = field[1..^1];
        var length = 0;
        for (var i = 0; i < inner.Length; i++)
        {
            target[length++] = inner[i];
            if (inner[i] == '"' && i + 1 < inner.Length && inner[i + 1] == '"')
            {
                i++;
            }
        }

        return length;
    }

    private static int[] MapHeader(IReadOnlyList<string> names)
    {
        if (names.Count == 0)
        {
            throw new SourceFormatException("Tệp CSV trống hoặc không có dòng tiêu đề.");
        }

        var columns = new int[names.Count];
        var seen = new HashSet<int>();
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i].Trim().TrimStart('\uFEFF').Trim('"');
            columns[i] = EventFields.IndexOf(name);
            if (columns[i] >= 0 && !seen.Add(columns[i]))
            {
                throw new SourceFormatException($"Cột \"{name}\" xuất hiện hai lần trong dòng tiêu đề.");
            }
        }

        var missing = RequiredColumns.Where(f => !seen.Contains((int)f)).Select(f => f.Name()).ToList();
        if (missing.Count > 0)
        {
            throw new SourceFormatException(
                $"Dòng tiêu đề thiếu cột bắt buộc: {string.Join(", ", missing)}. Tiêu đề đúng: {string.Join(",", EventFields.Names)}");
        }

        return columns;
    }
}
