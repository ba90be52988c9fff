using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using ReformMetrics.Metrics.Catalogue;

namespace ReformMetrics.Dashboard.Pages;

/// <summary>
/// A tile map of Vietnam: one square per province, placed on a grid that follows the country's shape (no boundary
/// data can be shipped), coloured by a metric, each tile a link with the exact value as its tooltip. The 34 provinces
/// from 1 July 2025 sit on the tile of the old province whose code they kept.
/// </summary>
public static class TileMap
{
    private const int Size = 58;
    private const int Gap = 4;

    // (column, row) of the 63 provinces before 1 July 2025, north to south.
    private static readonly Dictionary<string, (int Col, int Row)> Tiles = new(StringComparer.Ordinal)
    {
        ["02"] = (3, 0), ["04"] = (4, 0),
        ["12"] = (0, 1), ["10"] = (2, 1), ["08"] = (3, 1), ["06"] = (4, 1), ["20"] = (5, 1),
        ["11"] = (0, 2), ["15"] = (2, 2), ["19"] = (3, 2), ["24"] = (4, 2), ["22"] = (6, 2),
        ["14"] = (1, 3), ["25"] = (2, 3), ["26"] = (3, 3), ["27"] = (4, 3), ["30"] = (5, 3), ["31"] = (6, 3),
        ["17"] = (2, 4), ["01"] = (3, 4), ["33"] = (4, 4), ["34"] = (5, 4),
        ["37"] = (2, 5), ["35"] = (3, 5), ["36"] = (4, 5),
        ["38"] = (2, 6), ["40"] = (2, 7), ["42"] = (3, 8), ["44"] = (3, 9), ["45"] = (4, 10), ["46"] = (4, 11),
        ["49"] = (4, 12), ["48"] = (5, 12), ["62"] = (3, 13), ["51"] = (5, 13), ["64"] = (3, 14), ["52"] = (5, 14),
        ["66"] = (3, 15), ["54"] = (5, 15), ["67"] = (2, 16), ["68"] = (3, 16), ["56"] = (5, 16),
        ["70"] = (2, 17), ["75"] = (3, 17), ["60"] = (4, 17), ["58"] = (5, 17),
        ["72"] = (1, 18), ["74"] = (2, 18), ["79"] = (3, 18), ["77"] = (4, 18),
        ["89"] = (0, 19), ["87"] = (1, 19), ["80"] = (2, 19), ["82"] = (3, 19),
        ["91"] = (0, 20), ["92"] = (1, 20), ["86"] = (2, 20), ["83"] = (3, 20),
        ["93"] = (1, 21), ["94"] = (2, 21), ["84"] = (3, 21),
        ["96"] = (0, 22), ["95"] = (1, 22),
    };

    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>Every province code the map can place, and where.</summary>
    public static IReadOnlyDictionary<string, (int Col, int Row)> Positions => Tiles;

    /// <summary>The SVG of the map; provinces without a value are grey, a province without a tile is left out of the map
    /// (and is still in the ranking table below it).</summary>
    public static string Svg(IReadOnlyList<(string Code, string Name, double? Value)> provinces, MetricDefinition metric, Func<string, string> link)
    {
        ArgumentNullException.ThrowIfNull(provinces);
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(link);
        var values = provinces.Where(p => p.Value is not null).Select(p => p.Value!.Value).ToList();
        var (low, high) = values.Count == 0 ? (0d, 1d) : (values.Min(), values.Max());
        var width = (7 * (Size + Gap)) + Gap;
        var height = (23 * (Size + Gap)) + Gap;
        var svg = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"<svg class=\"tilemap\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{Encoder.Encode(metric.Label)} theo tỉnh, thành phố\">");
        foreach (var (code, name, value) in provinces)
        {
            if (!Tiles.TryGetValue(code, out var tile))
            {
                continue;
            }

            var (x, y) = (Gap + (tile.Col * (Size + Gap)), Gap + (tile.Row * (Size + Gap)));
            var shade = value is { } v ? Shade(high > low ? (v - low) / (high - low) : 1, metric.Better) : -1;
            var fill = shade < 0 ? "#d5dde6" : Colour(shade);
            var ink = shade > 0.55 ? "#fff" : "#1f2937";
            var text = MetricFormat.Value(metric, value);
            svg.Append(CultureInfo.InvariantCulture, $"<a href=\"{Encoder.Encode(link(code))}\" data-province=\"{code}\"><title>{Encoder.Encode(name)}: {Encoder.Encode(text)}</title>")
               .Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{y}\" width=\"{Size}\" height=\"{Size}\" rx=\"6\" fill=\"{fill}\"/>")
               .Append(CultureInfo.InvariantCulture, $"<text x=\"{x + (Size / 2)}\" y=\"{y + 24}\" fill=\"{ink}\" font-size=\"9\" text-anchor=\"middle\">{Encoder.Encode(Short(name))}</text>")
               .Append(CultureInfo.InvariantCulture, $"<text x=\"{x + (Size / 2)}\" y=\"{y + 40}\" fill=\"{ink}\" font-size=\"10\" font-weight=\"700\" text-anchor=\"middle\">{Encoder.Encode(text)}</text></a>");
        }

        return svg.Append("</svg>").ToString();
    }

    // 1 is the best value of the map for a metric that is better high; reversed when better low.
    private static double Shade(double position, Better better) => better == Better.Lower ? 1 - position : position;

    private static string Colour(double shade)
    {
        // From a pale to a deep blue.
        static int Mix(int from, int to, double t) => (int)Math.Round(from + ((to - from) * t));
        return string.Create(CultureInfo.InvariantCulture, $"#{Mix(0xDC, 0x0B, shade):X2}{Mix(0xEA, 0x3D, shade):X2}{Mix(0xF7, 0x6E, shade):X2}");
    }

    private static string Short(string name) => name.Length <= 11 ? name : name.Split(' ', '-').Where(w => w.Length > 0).Aggregate(string.Empty, (s, w) => s + char.ToUpperInvariant(w[0]));
}
