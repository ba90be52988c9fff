using System.Text;
using ReformMetrics.Reports.Pdf;
using SkiaSharp;

namespace ReformMetrics.Reports.Tests;

/// <summary>The PDF layout engine and the shipped fonts.</summary>
public sealed class PdfLayoutTests
{
    private const string VietnameseLetters =
        "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ";

    [Fact]
    public void Both_report_faces_have_a_glyph_for_every_Vietnamese_letter_and_the_signs_reports_use()
    {
        var text = VietnameseLetters + VietnameseLetters.ToUpperInvariant() + "0123456789.,;:%()/–—…·≥≤−₫\"'";
        foreach (var face in new[] { ReportFonts.Regular, ReportFonts.Bold })
        {
            var glyphs = face.GetGlyphs(text);
            var missing = text.EnumerateRunes().Zip(glyphs).Where(p => p.Second == 0).Select(p => p.First.ToString()).ToList();
            Assert.True(missing.Count == 0, $"{face.FamilyName}: no glyph for {string.Concat(missing)}");
        }
    }

    [Fact]
    public void Wrapped_lines_fit_the_width_keep_every_word_and_cut_a_word_longer_than_the_line()
    {
        using var font = PdfLayout.Font(10, false);
        var text = "Trong quý III/2025, toàn tỉnh tiếp nhận 270.497 hồ sơ thủ tục hành chính, đạt tỷ lệ 94,12% đúng hạn. "
            + new string('x', 80);

        var lines = PdfLayout.Wrap(text, font, 120);

        Assert.True(lines.Count > 4);
        Assert.All(lines, l => Assert.True(font.MeasureText(l) <= 120, l));
        Assert.Equal(text.Replace(" ", string.Empty, StringComparison.Ordinal), string.Concat(lines).Replace(" ", string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public void Decomposed_Vietnamese_is_drawn_composed()
    {
        var decomposed = "Hộ tịch, Đất đai, quyết định".Normalize(NormalizationForm.FormD);
        var layout = new PdfLayout();
        layout.Text(decomposed);

        var pdf = PdfText.Read(Write(layout));

        Assert.StartsWith("Hộ tịch, Đất đai, quyết định", pdf.Pages[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_table_breaks_across_pages_and_repeats_its_header_on_each()
    {
        var layout = new PdfLayout();
        var spec = new TableSpec([new(40, CellAlign.Center), new(200, CellAlign.Left), new(80)], 1,
            [new(0, 0, "STT"), new(0, 1, "Lĩnh vực"), new(0, 2, "Số hồ sơ")]);
        layout.Table(spec, Enumerable.Range(1, 120).Select(i => new TableRow([$"{i}", $"Lĩnh vực số {i}", $"{i * 1000:N0}"])));

        var pdf = PdfText.Read(Write(layout));

        Assert.True(pdf.Pages.Count >= 3);
        Assert.All(pdf.Pages, p => Assert.StartsWith("STT Lĩnh vực Số hồ sơ", p, StringComparison.Ordinal));
        var rows = pdf.Pages.SelectMany(p => System.Text.RegularExpressions.Regex.Matches(p, @"Lĩnh vực số (\d+)").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(Enumerable.Range(1, 120), rows);
        Assert.EndsWith($"Trang {pdf.Pages.Count}/{pdf.Pages.Count}", pdf.Pages[^1], StringComparison.Ordinal);
    }

    private static byte[] Write(PdfLayout layout)
    {
        using var stream = new MemoryStream();
        layout.Write(stream, "Kiểm thử", new SKDocumentPdfMetadata { Title = "Kiểm thử" });
        return stream.ToArray();
    }
}
