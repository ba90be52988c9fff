using System.Collections.Concurrent;
using System.Text.Json;

namespace ReformMetrics.Cli.Bench.Campaign;

/// <summary>
/// Spot-checks that a province-bound user (province viewer, report officer) never receives another province's data: JSON
/// answers whose <c>province</c> keys or ranking units name another province, CSV exports whose province column names
/// another province, and any 200 to a request naming another province (which must be refused, never narrowed). Counts the
/// checks and keeps the first violations as examples.
/// </summary>
internal sealed class ProvinceGuard
{
    private readonly ConcurrentQueue<string> _leaks = new();
    private long _checks;
    private long _leakCount;

    public long Checks => Interlocked.Read(ref _checks);

    public long Leaks => Interlocked.Read(ref _leakCount);

    public IReadOnlyList<string> Examples => _leaks.Take(10).ToList();

    /// <summary>A request naming another province must not be answered with data.</summary>
    public void Refused(Account account, string request, Answer answer)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(answer);
        Interlocked.Increment(ref _checks);
        if (answer.Ok)
        {
            Leak($"{account.Name} (tỉnh {account.Province}) nhận 200 cho {request}");
        }
    }

    /// <summary>Every <c>province</c> value of a JSON answer (an array of rows, or an object with <c>units</c>) must be
    /// one the user may see.</summary>
    public void Json(Account account, string request, Answer answer, IReadOnlyCollection<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(answer);
        if (!answer.Ok)
        {
            return;
        }

        Interlocked.Increment(ref _checks);
        var seen = new List<string>();
        try
        {
            using var document = JsonDocument.Parse(answer.Body);
            Collect(document.RootElement, seen);
        }
        catch (JsonException)
        {
            Leak($"{request} cho {account.Name}: trả về 200 nhưng không phải JSON");
            return;
        }

        if (seen.FirstOrDefault(code => !allowed.Contains(code)) is { } other)
        {
            Leak($"{account.Name} (tỉnh {account.Province}) nhận số liệu của tỉnh \"{other}\" từ {request}");
        }
    }

    /// <summary>Every data row of a CSV export must be of the user's province (by its name in the province column).</summary>
    public void Csv(Account account, string request, Answer answer, string column, IReadOnlyCollection<string> allowedNames)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(answer);
        if (!answer.Ok)
        {
            return;
        }

        Interlocked.Increment(ref _checks);
        var rows = CsvRows.Parse(answer.Body);
        if (rows.Count == 0)
        {
            return;
        }

        var index = Array.FindIndex(rows[0], h => h.Trim('\uFEFF').Equals(column, StringComparison.Ordinal));
        if (index < 0)
        {
            Leak($"{request}: tệp CSV không có cột \"{column}\" để kiểm tra tỉnh");
            return;
        }

        if (rows.Skip(1).Select(r => r.ElementAtOrDefault(index) ?? string.Empty).FirstOrDefault(name => !allowedNames.Contains(name.TrimStart('\''))) is { } other)
        {
            Leak($"{account.Name} (tỉnh {account.Province}) nhận hồ sơ của \"{other}\" trong {request}");
        }
    }

    private void Leak(string description)
    {
        Interlocked.Increment(ref _leakCount);
        _leaks.Enqueue(description);
    }

    private static void Collect(JsonElement element, List<string> seen)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, seen);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "province" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        seen.Add(property.Value.GetString()!);
                    }
                    else if (property.Name == "units" && property.Value.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var unit in property.Value.EnumerateArray())
                        {
                            if (unit.ValueKind == JsonValueKind.Object && unit.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String)
                            {
                                seen.Add(code.GetString()!);
                            }
                        }
                    }
                    else
                    {
                        Collect(property.Value, seen);
                    }
                }

                break;
        }
    }
}

/// <summary>A small RFC 4180 reader for the exports a campaign checks (quoted fields, doubled quotes, CRLF or LF).</summary>
internal static class CsvRows
{
    public static IReadOnlyList<string[]> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                row.Add(field.ToString());
                field.Clear();
                rows.Add([.. row]);
                row.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            rows.Add([.. row]);
        }

        return rows;
    }
}
