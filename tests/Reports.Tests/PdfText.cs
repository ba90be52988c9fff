using System.Text.RegularExpressions;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;

namespace ReformMetrics.Reports.Tests;

/// <summary>A PDF read back with PdfPig: each page's text in drawing order with runs of white space made one space, so
/// that a sentence wrapped over several lines reads as written.</summary>
internal sealed record PdfText(IReadOnlyList<string> Pages, IReadOnlyList<(double Width, double Height)> Sizes, IReadOnlyList<string> Fonts)
{
    public string All => string.Join(" ", Pages);

    public static PdfText Read(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        var pages = document.GetPages().ToList();
        return new PdfText(
            pages.Select(p => Regex.Replace(ContentOrderTextExtractor.GetText(p), @"\s+", " ").Trim()).ToList(),
            pages.Select(p => (p.Width, p.Height)).ToList(),
            pages.SelectMany(p => p.Letters.Select(l => l.FontName ?? string.Empty)).Distinct().ToList());
    }
}
