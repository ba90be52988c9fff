namespace ReformMetrics.Store;

/// <summary>CSV as ReformMetrics writes it (generated data, rejects files, exports): RFC 4180 quoting.</summary>
public static class CsvText
{
    /// <summary>A CSV field: quoted (quotes doubled) only when it holds a comma, a quote or a line break.</summary>
    public static string Field(string? value) =>
        string.IsNullOrEmpty(value) ? string.Empty
        : value.AsSpan().IndexOfAny(",\"\n\r") < 0 ? value
        : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
