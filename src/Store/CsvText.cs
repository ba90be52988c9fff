namespace ReformMetrics.Store;

/// <summary>CSV as ReformMetrics writes it: RFC 4180 quoting for data files (generated data), and the stricter spreadsheet
/// rule for files people open in Excel or LibreOffice (exports, rejects files).</summary>
public static class CsvText
{
    /// <summary>A CSV field: quoted (quotes doubled) only when it holds a comma, a quote or a line break.</summary>
    public static string Field(string? value) =>
        string.IsNullOrEmpty(value) ? string.Empty
        : value.AsSpan().IndexOfAny(",\"\n\r") < 0 ? value
        : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// A spreadsheet cell: always quoted, and text beginning with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage
    /// return prefixed with <c>'</c>. A spreadsheet runs such a cell as a formula (<c>=HYPERLINK(...)</c> sends data away,
    /// <c>=cmd|...</c> runs a program), and quoting alone does not stop it; the apostrophe makes it text.
    /// </summary>
    public static string Cell(string? value)
    {
        var text = value ?? string.Empty;
        var neutral = text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;
        return "\"" + neutral.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>A spreadsheet row: every value a <see cref="Cell"/>, comma-separated, ending with CRLF.</summary>
    public static string Row(params IEnumerable<string?> values) => string.Join(',', values.Select(Cell)) + "\r\n";
}
