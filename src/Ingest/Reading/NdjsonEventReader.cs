using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using ReformMetrics.Ingest.Contract;
using ReformMetrics.Ingest.Limits;
using ReformMetrics.Ingest.Loading;
using ReformMetrics.Ingest.Validation;

namespace ReformMetrics.Ingest.Reading;

/// <summary>Reads contract events from NDJSON (one JSON object per line, UTF-8), streaming, and validates each line.
/// Values are strings, except <c>online_enabled</c> which may be a boolean; null means absent; unknown keys are ignored.</summary>
public static class NdjsonEventReader
{
    /// <summary>Reads the lines, appending each valid event to <paramref name="sink"/>'s columns; yields null for a valid
    /// line and the rejection for a bad one, in line order. <paramref name="stream"/> bounds the lines, so ReadLine never
    /// holds more than its limit.</summary>
    public static IEnumerable<Rejection?> ReadInto(BoundedLineStream stream, EventValidator validator, EventSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sink);
        using var reader = new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var fields = new RowFields();
        long number = 0;
        while (reader.ReadLine() is { } line)
        {
            cancellationToken.ThrowIfCancellationRequested();
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (stream.IsCut(line, out var cut))
            {
                yield return Reject(number, BoundedLineStream.Raw(cut!), "row", stream.Reason(cut!));
                continue;
            }

            yield return ReadLine(line, number, fields, validator, sink.Columns);
        }
    }

    [MethodImpl(HotPath.Options)]
    private static Rejection? ReadLine(string line, long number, RowFields fields, EventValidator validator, EventColumns target)
    {
        fields.Clear();
        try
        {
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Reject(number, line, "row", "mỗi dòng phải là một đối tượng JSON {...}");
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                var index = EventFields.IndexOf(property.Name);
                if (index < 0)
                {
                    continue;
                }

                switch (property.Value.ValueKind)
                {
                    case JsonValueKind.String:
                        fields.Set((EventField)index, property.Value.GetString());
                        break;
                    case JsonValueKind.Null:
                        break;
                    case JsonValueKind.True or JsonValueKind.False when index == (int)EventField.OnlineEnabled:
                        fields.Set((EventField)index, property.Value.ValueKind == JsonValueKind.True ? "true" : "false");
                        break;
                    default:
                        return Reject(number, line, property.Name, $"phải là chuỗi trong dấu ngoặc kép, không phải {property.Value.ValueKind}");
                }
            }
        }
        catch (JsonException ex)
        {
            return Reject(number, line, "row", $"không phải JSON hợp lệ ({ex.Message.Split('.')[0]})");
        }

        return validator.TryAdd(fields, number, target, out var problem) ? null : Reject(number, line, problem.Field, problem.Reason);
    }

    private static Rejection Reject(long line, string raw, string field, string reason) => new(line, raw, field, reason);
}
