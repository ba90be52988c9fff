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
    public void Every_report_face_is_Liberation_Serif_with_a_glyph_for_every_Vietnamese_letter_and_the_signs_reports_use()
    {
        var text = VietnameseLetters + VietnameseLetters.ToUpperInvariant() + "ắằẳẵặấầẩẫậđếềểễệốồổỗộớờởỡợứừửữự" + "0123456789.,;:%()/–—…·≥≤−₫\"'";
        Assert.Equal(["Liberation Serif"], new[] { ReportFonts.Regular, ReportFonts.Bold, ReportFonts.Italic }.Select(f => f.FamilyName).Distinct());
        Assert.Equal((false, true, false), (ReportFonts.Regular.IsBold, ReportFonts.Bold.IsBold, ReportFonts.Regular.IsItalic));
        Assert.True(ReportFonts.Italic.IsItalic);
        foreach (var face in new[] { ReportFonts.Regular, ReportFonts.Bold, ReportFonts.Italic })
        {
            var glyphs = face.GetGlyphs(text);
            var missing = text.EnumerateRunes().Zip(glyphs).Where(p => p.Second == 0).Select(p => p.First.ToString()).ToList();
            Assert.True(missing.Count == 0, $"{face.FamilyName}: no glyph for {string.Concat(missing)}");
        }
    }

    [Theory]
    [InlineData("LiberationSerif-Regular.ttf")]
    [InlineData("LiberationSerif-Bold.ttf")]
    [InlineData("LiberationSerif-Italic.ttf")]
    public void Each_shipped_face_is_cut_to_the_reports_characters_keeping_its_name(string file)
    {
        using var stream = typeof(ReportFonts).Assembly.GetManifestResourceStream("ReformMetrics.Reports.Fonts." + file)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var whole = copy.ToArray();

        var subset = FontSubset.Make(whole);

        Assert.NotNull(subset);
        Assert.InRange(subset.Length, 1, whole.Length / 3);
        using var full = SKTypeface.FromData(SKData.CreateCopy(whole));
        using var cut = SKTypeface.FromData(SKData.CreateCopy(subset));
        Assert.Equal((full.FamilyName, full.FontStyle.Weight, full.FontStyle.Slant), (cut.FamilyName, cut.FontStyle.Weight, cut.FontStyle.Slant));
        Assert.True(cut.GlyphCount < full.GlyphCount / 2, $"{cut.GlyphCount} of {full.GlyphCount} glyphs");
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

    [Fact]
    public void Long_names_wrap_inside_their_cells_and_the_table_still_breaks_between_whole_rows()
    {
        var vietnamese = System.Globalization.CultureInfo.GetCultureInfo("vi-VN");
        var names = Enumerable.Range(1, 60).Select(i => i % 3 == 0
            ? $"Bộ phận tiếp nhận và trả kết quả giải quyết thủ tục hành chính thuộc Ủy ban nhân dân xã số {i}, huyện Cần Giuộc (Bộ phận Một cửa)"
            : $"Công an xã số {i}").ToList();
        var layout = new PdfLayout();
        var spec = new TableSpec([new(30, CellAlign.Center), new(160, CellAlign.Left), new(60)], 1,
            [new(0, 0, "STT"), new(0, 1, "Cơ quan, đơn vị"), new(0, 2, "Số hồ sơ")]);
        layout.Table(spec, names.Select((n, i) => new TableRow([(i + 1).ToString(vietnamese), n, ((i + 1) * 1000).ToString("N0", vietnamese)])));
        var pdf = Write(layout);
        var words = Pdftotext.Words(pdf);

        Assert.True(layout.PageCount >= 2);
        Assert.Empty(Pdftotext.Mismatches(pdf, layout.Cells));
        // Every name once, in order, the long ones on several lines of one cell.
        var nameCells = layout.Cells.Where(c => !c.Header && names.Contains(c.Text)).ToList();
        Assert.Equal(names, nameCells.Select(c => c.Text));
        Assert.All(nameCells.Where(c => c.Text.Length > 40), c => Assert.True(Pdftotext.Lines(words, c.Page, c.Box).Count >= 2, c.Text));
        // Each page opens with the header, and no row runs past the bottom margin.
        for (var page = 0; page < layout.PageCount; page++)
        {
            var cells = layout.Cells.Where(c => c.Page == page).ToList();
            Assert.All(cells.Where(c => c.Box.Top == cells.Min(x => x.Box.Top)), c => Assert.True(c.Header));
            Assert.All(cells, c => Assert.True(c.Box.Bottom <= PdfLayout.A4Long - PdfLayout.Margin, $"page {page + 1}: {c.Text} ends at {c.Box.Bottom}"));
        }
    }

    private static byte[] Write(PdfLayout layout)
    {
        using var stream = new MemoryStream();
        layout.Write(stream, "Kiểm thử", new SKDocumentPdfMetadata { Title = "Kiểm thử" });
        return stream.ToArray();
    }
}
