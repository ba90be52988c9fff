using System.Runtime.CompilerServices;
using nietras.SeparatedValues;
using ReformMetrics.Ingest.Contract;
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

    public static IEnumerable<ReadRow> Read(Stream stream, EventValidator validator, CancellationToken cancellationToken)
    {
        using var reader = Open(stream);

        var columns = MapHeader(reader.Header.ColNames);
        var values = new string?[EventFields.Names.Length];
        foreach (var row in reader)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var lines = row.LineNumberToExcl - row.LineNumberFrom;
            var result = ReadOne(row, columns, values, validator);
            if (lines > 1 && (result.Rejection is not null || SwallowedRows(row.Span.ToString(), columns.Length)))
            {
                foreach (var recovered in Recover(row.Span.ToString(), row.LineNumberFrom, columns, validator))
                {
                    yield return recovered;
                }

                continue;
            }

            yield return result;
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
                CreateToString = SepToString.PoolPerCol(maximumStringLength: 64),
            }).From(stream);
        }
        catch (ArgumentException ex)
        {
            // Sep refuses a header naming a column twice.
            throw new SourceFormatException($"Dòng tiêu đề không dùng được: một cột xuất hiện hai lần ({ex.Message}).");
        }
    }

    private static ReadRow ReadOne(SepReader.Row row, int[] columns, string?[] values, EventValidator validator)
    {
        if (row.ColCount != columns.Length)
        {
            return Reject(row.LineNumberFrom, row.Span.ToString(), "row", $"có {row.ColCount} cột, tiêu đề có {columns.Length}");
        }

        Array.Clear(values);
        for (var i = 0; i < columns.Length; i++)
        {
            if (columns[i] >= 0)
            {
                var span = row[i].Span;
                if (span.Length > 0 && span[0] == '"' && !ClosedQuote(span))
                {
                    return Reject(row.LineNumberFrom, row.Span.ToString(), EventFields.Names[columns[i]], "dấu ngoặc kép không đóng");
                }

                // Codes repeat and are pooled by Sep; identifiers and reasons are unique, and pooling them would only
                // grow the pool: they are copied directly.
                values[columns[i]] = span.IsEmpty ? null
                    : span[0] == '"' ? Unquote(span)
                    : columns[i] is (int)EventField.EventId or (int)EventField.DossierId or (int)EventField.Reason ? span.ToString()
                    : row[i].ToString();
            }
        }

        var valid = validator.Validate(values, row.LineNumberFrom, out var problem);
        return valid is not null
            ? new ReadRow(valid, null)
            : Reject(row.LineNumberFrom, row.Span.ToString(), problem.Field, problem.Reason);
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
    private static IEnumerable<ReadRow> Recover(string text, int firstLine, int[] columns, EventValidator validator)
    {
        var lines = text.Split('\n');
        var values = new string?[EventFields.Names.Length];
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var number = firstLine + i;
            if (line.Length == 0)
            {
                continue;
            }

            using var single = Sep.Reader(o => o with { Sep = new Sep(','), HasHeader = false, DisableColCountCheck = true })
                .FromText(line);
            var rows = 0;
            ReadRow result = default;
            foreach (var row in single)
            {
                rows++;
                result = ReadOne(row, columns, values, validator);
            }

            yield return rows == 1 && result.Event is not null
                ? new ReadRow(result.Event is { } e ? Relined(e, number) : null, null)
                : Reject(number, line, result.Rejection?.Field ?? "row", result.Rejection?.Reason ?? "dấu ngoặc kép không đóng");
        }
    }

    private static ValidEvent Relined(ValidEvent e, long line) => new()
    {
        EventId = e.EventId, DossierId = e.DossierId, EventType = e.EventType, OccurredAtMs = e.OccurredAtMs,
        ProvinceCode = e.ProvinceCode, Level = e.Level, AgencyCode = e.AgencyCode, SectorCode = e.SectorCode,
        ProcedureCode = e.ProcedureCode, Channel = e.Channel, OnlineEnabled = e.OnlineEnabled, DueAtMs = e.DueAtMs,
        Outcome = e.Outcome, Rating = e.Rating, Reason = e.Reason, Line = line,
    };

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

    /// <summary>The value of a quoted field: without its quotes, doubled quotes made single.</summary>
    private static string? Unquote(ReadOnlySpan<char> field)
    {
        var inner = field[1..^1];
        var text = inner.ToString().Replace("\"\"", "\"", StringComparison.Ordinal);
        return text.Length == 0 ? null : text;
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

    private static ReadRow Reject(long line, string raw, string field, string reason) =>
        new(null, new Rejection(line, raw, field, reason));
}
