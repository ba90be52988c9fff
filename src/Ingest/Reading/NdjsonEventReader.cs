using System.Text;
using System.Text.Json;
using ReformMetrics.Ingest.Contract;
using ReformMetrics.Ingest.Validation;

namespace ReformMetrics.Ingest.Reading;

/// <summary>Reads contract events from NDJSON (one JSON object per line, UTF-8), streaming, and validates each line.
/// Values are strings, except <c>online_enabled</c> which may be a boolean; null means absent; unknown keys are ignored.</summary>
public static class NdjsonEventReader
{
    public static IEnumerable<ReadRow> Read(Stream stream, EventValidator validator, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var values = new string?[EventFields.Names.Length];
        long number = 0;
        while (reader.ReadLine() is { } line)
        {
            cancellationToken.ThrowIfCancellationRequested();
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            yield return ReadLine(line, number, values, validator);
        }
    }

    private static ReadRow ReadLine(string line, long number, string?[] values, EventValidator validator)
    {
        Array.Clear(values);
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
                        values[index] = property.Value.GetString() is { Length: > 0 } text ? text : null;
                        break;
                    case JsonValueKind.Null:
                        break;
                    case JsonValueKind.True or JsonValueKind.False when index == (int)EventField.OnlineEnabled:
                        values[index] = property.Value.ValueKind == JsonValueKind.True ? "true" : "false";
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

        var valid = validator.Validate(values, number, out var problem);
        return valid is not null ? new ReadRow(valid, null) : Reject(number, line, problem.Field, problem.Reason);
    }

    private static ReadRow Reject(long line, string raw, string field, string reason) => new(null, new Rejection(line, raw, field, reason));
}
