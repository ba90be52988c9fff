using ScottPlot;
using SkiaSharp;

namespace ReformMetrics.Reports.Pdf;

/// <summary>
/// The one font family of the PDF reports, DejaVu Sans Condensed (regular and bold), shipped inside the assembly so that
/// a server without fonts writes the same files; it covers every Vietnamese letter. Text and charts use the same two
/// faces, so each is embedded in a PDF once.
/// </summary>
public static class ReportFonts
{
    /// <summary>The family name charts ask ScottPlot for.</summary>
    public const string Family = "ReformMetrics Sans";

    private static readonly Lazy<SKTypeface> LazyRegular = new(() => Load("DejaVuSansCondensed.ttf"));
    private static readonly Lazy<SKTypeface> LazyBold = new(() => Load("DejaVuSansCondensed-Bold.ttf"));
    private static readonly Lazy<bool> Registered = new(() =>
    {
        Fonts.FontResolvers.Insert(0, new Resolver());
        return true;
    });

    public static SKTypeface Regular => LazyRegular.Value;

    public static SKTypeface Bold => LazyBold.Value;

    /// <summary>Makes <see cref="Family"/> known to ScottPlot (once per process).</summary>
    public static void RegisterWithCharts() => _ = Registered.Value;

    private static SKTypeface Load(string file)
    {
        using var stream = typeof(ReportFonts).Assembly.GetManifestResourceStream("ReformMetrics.Reports.Fonts." + file)
            ?? throw new InvalidOperationException($"The font {file} is missing from the assembly's resources.");
        return SKTypeface.FromStream(stream) ?? throw new InvalidOperationException($"The font {file} could not be read.");
    }

    private sealed class Resolver : IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            fontName == Family ? bold ? Bold : Regular : null;

        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
            fontName == Family ? weight >= FontWeight.SemiBold ? Bold : Regular : null;
    }
}
