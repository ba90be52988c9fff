using System.Globalization;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Reports.Bulletin;
using ReformMetrics.Reports.OfficialForm;
using ReformMetrics.Reports.Pdf;

namespace ReformMetrics.Reports.Tests;

/// <summary>
/// Search and copy in a PDF reader find what the table says: for the official form and the bulletin, pdftotext gives back
/// the exact text of every table cell (the strings the report model handed to the layout), with a long agency name
/// wrapped inside its cell rather than cut.
/// </summary>
public sealed class PdfTableTextTests(LongAgencyScenario fixture) : IClassFixture<LongAgencyScenario>
{
    private static readonly CultureInfo Vietnamese = CultureInfo.GetCultureInfo("vi-VN");

    [Theory]
    [InlineData(FormLayout.LevelAndSector)]
    [InlineData(FormLayout.Agency)]
    public async Task Every_cell_of_the_official_form_reads_back_from_the_PDF_as_the_report_gave_it(FormLayout form)
    {
        var report = await FormAsync(form);
        using var stream = new MemoryStream();
        var layout = TthcResultsPdf.Render(report, stream);
        var pdf = stream.ToArray();

        // The body cells are the model's rows: number, label, the 11 figures in vi-VN.
        var expected = report.Rows.SelectMany(r => new[] { r.Number, r.Label }.Concat(r.Figures.Columns.Select(v => v.ToString("N0", Vietnamese)))).ToList();
        Assert.Equal(expected, layout.Cells.Where(c => !c.Header).Select(c => Pdftotext.Collapse(c.Text)));
        Assert.Contains(layout.Cells, c => c.Header && c.Text == FormText.RowsHeader(form));
        Assert.Empty(Pdftotext.Mismatches(pdf, layout.Cells));
    }

    [Fact]
    public async Task Every_cell_of_the_bulletin_s_tables_reads_back_from_the_PDF_as_the_report_gave_it()
    {
        var report = await BulletinAsync();
        using var stream = new MemoryStream();
        var layout = BulletinPdf.Render(report, stream);
        var pdf = stream.ToArray();

        // The headline table, the worst sectors and agencies, the form: each names what the model holds.
        var body = layout.Cells.Where(c => !c.Header).Select(c => c.Text).ToHashSet(StringComparer.Ordinal);
        Assert.All(MetricPresets.Bulletin.Metrics, m => Assert.Contains(m.Label, body));
        Assert.NotEmpty(report.WorstSectors);
        Assert.All(report.WorstSectors.Concat(report.WorstAgencies), u => Assert.Contains(u.Name, body));
        Assert.All(report.Form.Rows, r => Assert.Contains(r.Label, body.Select(Pdftotext.Collapse)));
        Assert.Empty(Pdftotext.Mismatches(pdf, layout.Cells));
    }

    [Fact]
    public async Task A_long_agency_name_wraps_inside_its_cell_and_reads_back_whole()
    {
        var report = await FormAsync(FormLayout.Agency);
        using var stream = new MemoryStream();
        var layout = TthcResultsPdf.Render(report, stream);
        var words = Pdftotext.Words(stream.ToArray());

        var cell = Assert.Single(layout.Cells, c => Pdftotext.Collapse(c.Text) == LongAgencyScenario.AgencyName);
        var lines = Pdftotext.Lines(words, cell.Page, cell.Box);
        Assert.True(lines.Count >= 2, $"the name takes {lines.Count} line(s)");
        Assert.Equal(LongAgencyScenario.AgencyName, Pdftotext.TextIn(words, cell.Page, cell.Box));
        // The row grew to hold the lines: its figures share the row's height, below the header.
        var row = layout.Cells.Where(c => !c.Header && c.Page == cell.Page && c.Box.Top == cell.Box.Top).ToList();
        Assert.Equal(13, row.Count);
        Assert.All(row, c => Assert.Equal(cell.Box.Height, c.Box.Height));
        Assert.True(cell.Box.Height > 2 * 7.5f);

        // In the bulletin, the agency heads the table of the agencies most often late, whole.
        var bulletin = await BulletinAsync();
        Assert.Equal(LongAgencyScenario.AgencyName, Assert.Single(bulletin.WorstAgencies).Name);
        using var bulletinStream = new MemoryStream();
        var bulletinLayout = BulletinPdf.Render(bulletin, bulletinStream);
        var bulletinCell = Assert.Single(bulletinLayout.Cells, c => c.Text == LongAgencyScenario.AgencyName);
        Assert.Equal(LongAgencyScenario.AgencyName, Pdftotext.TextIn(Pdftotext.Words(bulletinStream.ToArray()), bulletinCell.Page, bulletinCell.Box));
        Assert.DoesNotContain("…", PdfText.Read(bulletinStream.ToArray()).All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_PDF_reports_are_set_in_Liberation_Serif()
    {
        var form = await FormAsync(FormLayout.LevelAndSector);
        using var formStream = new MemoryStream();
        TthcResultsPdf.Write(form, formStream);
        using var bulletinStream = new MemoryStream();
        BulletinPdf.Write(await BulletinAsync(), bulletinStream);

        // Subset names carry a six-letter tag ("AAAAAA+LiberationSerif-Bold").
        static List<string> Faces(byte[] pdf) => PdfText.Read(pdf).Fonts.Select(f => f[(f.IndexOf('+', StringComparison.Ordinal) + 1)..]).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["LiberationSerif", "LiberationSerif-Bold"], Faces(formStream.ToArray()));
        Assert.Equal(["LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic"], Faces(bulletinStream.ToArray()));
    }

    private Task<TthcResultsReport> FormAsync(FormLayout form) =>
        TestReports.Forms(fixture.Scenario.Database.Store, TimeProvider.System).BuildAsync(Period.Month(2025, 4), 2008, "72", form, TestContext.Current.CancellationToken);

    private Task<BulletinReport> BulletinAsync() =>
        TestReports.Bulletins(fixture.Scenario.Database.Store, TimeProvider.System).BuildAsync(Period.Month(2025, 4), 2008, "72", TestContext.Current.CancellationToken);
}
