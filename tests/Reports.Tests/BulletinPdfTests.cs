using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Metrics.Rankings;
using ReformMetrics.Metrics.Targets;
using ReformMetrics.Reports.Bulletin;
using ReformMetrics.Reports.OfficialForm;
using ReformMetrics.Reports.Pdf;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Reports.Tests;

/// <summary>The PDF bulletin and the PDF form written for the hand-made Tây Ninh of April 2025 and read back with PdfPig.</summary>
public sealed class BulletinPdfTests(Scenario scenario) : IClassFixture<Scenario>
{
    [Fact]
    public async Task Debug_dump()
    {
        var pdf = await BulletinAsync("72");
        await File.WriteAllBytesAsync("/tmp/rep/scenario.pdf", pdf, TestContext.Current.CancellationToken);
        var text = PdfText.Read(pdf);
        await File.WriteAllTextAsync("/tmp/rep/scenario.txt", string.Join("\n\n=====\n\n", text.Pages) + "\n" + string.Join(",", text.Fonts), TestContext.Current.CancellationToken);
        var form = await FormPdfAsync();
        await File.WriteAllTextAsync("/tmp/rep/scenario-form.txt", string.Join("\n\n=====\n\n", PdfText.Read(form).Pages), TestContext.Current.CancellationToken);
    }

    private async Task<byte[]> BulletinAsync(string? province)
    {
        var report = await TestReports.Bulletins(scenario.Database.Store, TimeProvider.System).BuildAsync(Period.Month(2025, 4), 2008, province, TestContext.Current.CancellationToken);
        using var stream = new MemoryStream();
        BulletinPdf.Write(report, stream);
        return stream.ToArray();
    }

    private async Task<byte[]> FormPdfAsync()
    {
        var report = await TestReports.Forms(scenario.Database.Store, TimeProvider.System).BuildAsync(Period.Month(2025, 4), 2008, "72", FormLayout.LevelAndSector, TestContext.Current.CancellationToken);
        using var stream = new MemoryStream();
        TthcResultsPdf.Write(report, stream);
        return stream.ToArray();
    }
}
