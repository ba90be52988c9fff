using ScottPlot;
using SkiaSharp;

namespace ReformMetrics.Reports.Pdf;

/// <summary>
/// The one font family of the PDF reports, Liberation Serif (regular, bold and italic): administrative documents are set
/// in Times New Roman, and Liberation Serif has its metrics and an open licence that allows embedding. The faces are
/// shipped inside the assembly so that a server without fonts writes the same files; they cover every Vietnamese letter.
/// Text and charts use the same faces, so each is embedded in a PDF once.
/// </summary>
public static class ReportFonts
{
    /// <summary>The family name charts ask ScottPlot for; the resolver answers it with the shipped faces, whatever the
    /// machine has installed under that name.</summary>
    public const string Family = "Liberation Serif";

    private static readonly Lazy<SKTypeface> LazyRegular = new(() => Load("LiberationSerif-Regular.ttf"));
    private static readonly Lazy<SKTypeface> LazyBold = new(() => Load("LiberationSerif-Bold.ttf"));
    private static readonly Lazy<SKTypeface> LazyItalic = new(() => Load("LiberationSerif-Italic.ttf"));
    private static readonly Lazy<bool> Registered = new(() =>
    {
        Fonts.FontResolvers.Insert(0, new Resolver());
        return true;
    });

    public static SKTypeface Regular => LazyRegular.Value;

    public static SKTypeface Bold => LazyBold.Value;

    public static SKTypeface Italic => LazyItalic.Value;

    /// <summary>Makes <see cref="Family"/> known to ScottPlot (once per process).</summary>
    public static void RegisterWithCharts() => _ = Registered.Value;

    private static SKTypeface Load(string file)
    {
        using var stream = typeof(ReportFonts).Assembly.GetManifestResourceStream("ReformMetrics.Reports.Fonts." + file)
            ?? throw new InvalidOperationException($"The font {file} is missing from the assembly's resources.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var font = copy.ToArray();
        // The whole face still draws every letter when no subset can be made; the PDFs are only larger.
        using var data = SKData.CreateCopy(FontSubset.Make(font) ?? font);
        return SKTypeface.FromData(data) ?? throw new InvalidOperationException($"The font {file} could not be read.");
    }

    private static SKTypeface Face(bool bold, bool italic) => bold ? Bold : italic ? Italic : Regular;

    private sealed class Resolver : IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            fontName == Family ? Face(bold, italic) : null;

        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
            fontName == Family ? Face(weight >= FontWeight.SemiBold, slant != FontSlant.Upright) : null;
    }
}
