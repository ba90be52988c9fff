namespace ReformMetrics.Ingest.Records;

public enum ColumnType
{
    /// <summary>An identifier: no control characters, at most 128 characters.</summary>
    Id,

    /// <summary>A short code (province, sector): at most 64 characters.</summary>
    Code,

    /// <summary>Free text: at most 2,000 characters.</summary>
    Text,

    /// <summary>yyyy-MM-dd.</summary>
    Date,

    /// <summary>ISO 8601; without an offset, Vietnam time.</summary>
    Time,

    /// <summary>A year from 2015 to 2030.</summary>
    Year,

    /// <summary>One of <see cref="RecordColumn.Allowed"/>.</summary>
    Enum,

    /// <summary>A fraction from 0 to 1 with a decimal point (0.95).</summary>
    Fraction,
}

public sealed record RecordColumn(string Name, ColumnType Type, bool Required, string[]? Allowed = null);

/// <summary>One of the non-event inputs: its CSV columns (matched by name), the table it fills, the columns that
/// identify a row (a repeated key within a file is refused; in a later file it replaces the earlier row).</summary>
public sealed record RecordKind(string Name, string Label, string Table, RecordColumn[] Columns, string[] Key)
{
    public static readonly RecordKind Agencies = new("agencies", "danh mục cơ quan", "agencies",
    [
        new("code", ColumnType.Id, true), new("name_vi", ColumnType.Text, true), new("province_code", ColumnType.Code, true),
        new("level", ColumnType.Enum, true, ["province", "district", "commune"]), new("valid_from", ColumnType.Date, true),
        new("valid_to", ColumnType.Date, true),
    ], ["code"]);

    public static readonly RecordKind Feedback = new("feedback", "phản ánh, kiến nghị", "feedback",
    [
        new("feedback_id", ColumnType.Id, true), new("province_code", ColumnType.Code, true), new("sector_code", ColumnType.Code, false),
        new("received_at", ColumnType.Time, true), new("resolved_at", ColumnType.Time, false),
    ], ["feedback_id"]);

    public static readonly RecordKind Tasks = new("tasks", "nhiệm vụ cải cách hành chính", "reform_tasks",
    [
        new("task_id", ColumnType.Id, true), new("geo", ColumnType.Enum, true, ["2008", "2025"]), new("province_code", ColumnType.Code, true),
        new("year", ColumnType.Year, true), new("title", ColumnType.Text, true), new("due_date", ColumnType.Date, true),
        new("completed_at", ColumnType.Date, false), new("status", ColumnType.Enum, true, ["in_progress", "done", "awaiting_confirmation"]),
    ], ["task_id"]);

    public static readonly RecordKind Targets = new("targets", "chỉ tiêu", "targets",
    [
        new("geo", ColumnType.Enum, true, ["0", "2008", "2025"]), new("province_code", ColumnType.Code, false), new("year", ColumnType.Year, true),
        new("indicator", ColumnType.Enum, true, TargetIndicators.All), new("sector_group", ColumnType.Enum, false, ["land", "construction", "investment"]),
        new("target", ColumnType.Fraction, true),
    ], ["geo", "province_code", "year", "indicator", "sector_group"]);

    public static readonly RecordKind[] All = [Agencies, Feedback, Tasks, Targets];

    /// <summary>The kind whose columns a CSV header carries (all of its required ones), or null.</summary>
    public static RecordKind? FromHeader(IReadOnlyCollection<string> header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return All.FirstOrDefault(kind => kind.Columns.Where(c => c.Required).All(c => header.Contains(c.Name)));
    }
}
