using System.Globalization;
using ReformMetrics.Ingest.Contract;
using ReformMetrics.Ingest.Validation;

namespace ReformMetrics.Ingest.Records;

/// <summary>Checks one row of a record file and converts it to the values of its table's columns, in column order.
/// The messages are Vietnamese and name the field, like the event validator's.</summary>
internal sealed class RecordValidator(RecordKind kind, IngestReference reference, TimeProvider clock)
{
    private static readonly DateTime Merger = new(2025, 7, 1);

    public object?[]? Validate(IReadOnlyDictionary<string, string> row, out (string Field, string Reason) problem)
    {
        problem = default;
        var values = new object?[kind.Columns.Length];
        for (var i = 0; i < kind.Columns.Length; i++)
        {
            var column = kind.Columns[i];
            var text = row.TryGetValue(column.Name, out var v) ? v.Trim() : string.Empty;
            if (text.Length == 0)
            {
                if (column.Required)
                {
                    problem = (column.Name, "bắt buộc nhưng đang trống");
                    return null;
                }

                values[i] = column.Type is ColumnType.Date or ColumnType.Time ? null : string.Empty;
                continue;
            }

            if (Parse(column, text, out var reason) is not { } value)
            {
                problem = (column.Name, reason);
                return null;
            }

            values[i] = value;
        }

        var check = kind.Name switch
        {
            "agencies" => CheckAgency(values),
            "feedback" => CheckFeedback(values),
            "tasks" => CheckTask(values),
            _ => CheckTarget(values),
        };
        if (check is { } failed)
        {
            problem = failed;
            return null;
        }

        // The geography is an enumeration in the file and a number in the table.
        for (var i = 0; i < kind.Columns.Length; i++)
        {
            if (kind.Columns[i].Name == "geo")
            {
                values[i] = ushort.Parse((string)values[i]!, CultureInfo.InvariantCulture);
            }
        }

        return values;
    }

    private object? Parse(RecordColumn column, string text, out string reason)
    {
        reason = string.Empty;
        var limit = column.Type switch { ColumnType.Id => 128, ColumnType.Text => 2000, _ => 64 };
        if (text.Length > limit)
        {
            reason = $"dài {text.Length} ký tự, tối đa {limit}";
            return null;
        }

        if (text.Contains('\uFFFD', StringComparison.Ordinal))
        {
            reason = "chứa ký tự không đọc được: tệp phải mã hoá UTF-8";
            return null;
        }

        if (column.Type != ColumnType.Text && text.Any(char.IsControl))
        {
            reason = "chứa ký tự điều khiển";
            return null;
        }

        switch (column.Type)
        {
            case ColumnType.Date:
                if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                    && date.Year is >= 2008 and <= 2099)
                {
                    return date.ToDateTime(TimeOnly.MinValue);
                }

                reason = $"\"{text}\" không phải ngày dạng yyyy-MM-dd (2008 đến 2099)";
                return null;
            case ColumnType.Time:
                if (EventTime.TryParse(text, out var ms))
                {
                    var at = DateTimeOffset.FromUnixTimeMilliseconds(ms);
                    if (at.Year >= 2015 && at <= clock.GetUtcNow().AddDays(1))
                    {
                        return at.UtcDateTime;
                    }

                    reason = $"thời điểm {EventTime.Format(ms)} nằm ngoài khoảng từ 01/01/2015 đến ngày mai";
                    return null;
                }

                reason = $"\"{text}\" không phải thời gian ISO 8601 (ví dụ 2025-03-03T09:00:00+07:00)";
                return null;
            case ColumnType.Year:
                if (ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 2015 and <= 2030)
                {
                    return year;
                }

                reason = $"\"{text}\" không phải năm từ 2015 đến 2030";
                return null;
            case ColumnType.Fraction:
                if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var fraction) && fraction is >= 0 and <= 1)
                {
                    return fraction;
                }

                reason = $"\"{text}\" không phải tỉ lệ từ 0 đến 1 viết với dấu chấm (ví dụ 0.95 cho 95%)";
                return null;
            case ColumnType.Enum:
                if (column.Allowed!.Contains(text, StringComparer.Ordinal))
                {
                    return text;
                }

                reason = $"\"{(text.Length > 60 ? text[..60] + "…" : text)}\" không hợp lệ; giá trị hợp lệ: {string.Join(", ", column.Allowed!)}";
                return null;
            default:
                return text;
        }
    }

    private (string, string)? CheckAgency(object?[] v)
    {
        var province = (string)v[2]!;
        var from = (DateTime)v[4]!;
        if ((DateTime)v[5]! < from)
        {
            return ("valid_to", "trước valid_from");
        }

        var geo = from < Merger ? 2008 : 2025;
        if (!reference.InGeography(province, geo))
        {
            return ("province_code", $"mã tỉnh \"{province}\" không có trong {(geo == 2008 ? "63 tỉnh, thành phố trước 01/07/2025" : "34 tỉnh, thành phố từ 01/07/2025")} (valid_from {from:dd/MM/yyyy})");
        }

        return (string)v[3]! == "district" && geo == 2025 ? ("level", "cấp huyện không còn từ 01/07/2025") : null;
    }

    private (string, string)? CheckFeedback(object?[] v)
    {
        var received = (DateTime)v[3]!;
        var province = (string)v[1]!;
        if (!reference.ProvinceExists(province, new DateTimeOffset(received, TimeSpan.Zero).ToUnixTimeMilliseconds()))
        {
            return ("province_code", $"mã tỉnh \"{province}\" không có trong địa giới ngày nhận phản ánh");
        }

        return v[4] is DateTime resolved && resolved < received ? ("resolved_at", "trước thời điểm nhận phản ánh") : null;
    }

    private (string, string)? CheckTask(object?[] v)
    {
        var geo = int.Parse((string)v[1]!, CultureInfo.InvariantCulture);
        if (!reference.InGeography((string)v[2]!, geo))
        {
            return ("province_code", $"mã tỉnh \"{v[2]}\" không có trong địa giới {geo}");
        }

        var finished = (string)v[7]! != "in_progress";
        return finished && v[6] is null ? ("completed_at", "bắt buộc khi nhiệm vụ đã hoàn thành")
            : !finished && v[6] is not null ? ("completed_at", "phải trống khi nhiệm vụ đang thực hiện")
            : null;
    }

    private (string, string)? CheckTarget(object?[] v)
    {
        var geo = int.Parse((string)v[0]!, CultureInfo.InvariantCulture);
        var province = (string)v[1]!;
        if (geo == 0)
        {
            return province.Length > 0 ? ("province_code", "phải trống với chỉ tiêu toàn quốc (geo 0)") : null;
        }

        return province.Length == 0 ? ("province_code", "bắt buộc với chỉ tiêu của một tỉnh (geo 2008 hoặc 2025)")
            : !reference.InGeography(province, geo) ? ("province_code", $"mã tỉnh \"{province}\" không có trong địa giới {geo}")
            : null;
    }
}
