namespace ReformMetrics.Store.Tests;

/// <summary>The two CSV rules: RFC 4180 fields for data files, and neutralised, always-quoted cells for spreadsheets.</summary>
public sealed class CsvTextTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://x.example\",\"Bấm\")", "\"'=HYPERLINK(\"\"http://x.example\"\",\"\"Bấm\"\")\"")]
    [InlineData("+84 912", "\"'+84 912\"")]
    [InlineData("-2+3", "\"'-2+3\"")]
    [InlineData("@SUM(A1)", "\"'@SUM(A1)\"")]
    [InlineData("\t=1", "\"'\t=1\"")]
    [InlineData("\r=1", "\"'\r=1\"")]
    [InlineData("Sở Tư pháp, tỉnh \"A\"", "\"Sở Tư pháp, tỉnh \"\"A\"\"\"")]
    [InlineData("a=1", "\"a=1\"")]
    [InlineData("", "\"\"")]
    [InlineData(null, "\"\"")]
    public void A_spreadsheet_cell_is_quoted_and_never_starts_a_formula(string? value, string expected) =>
        Assert.Equal(expected, CsvText.Cell(value));

    [Fact]
    public void A_row_joins_cells_and_ends_with_CRLF() =>
        Assert.Equal("\"H01\",\"'=1+1\",\"4\"\r\n", CsvText.Row("H01", "=1+1", "4"));

    [Theory]
    [InlineData("=1+1", "=1+1")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("plain", "plain")]
    public void A_data_field_keeps_its_minimal_quoting(string value, string expected) =>
        Assert.Equal(expected, CsvText.Field(value));
}
