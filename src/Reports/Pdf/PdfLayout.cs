using System.Text;
using SkiaSharp;

namespace ReformMetrics.Reports.Pdf;

public enum CellAlign
{
    Left,
    Center,
    Right,
}

/// <summary>A column of a table: its width in points (scaled to the page when they do not add up) and alignment.</summary>
public sealed record TableColumn(float Width, CellAlign Align = CellAlign.Right);

/// <summary>A header cell, placed on the header grid; spans rows and columns like a merged Excel range.</summary>
public sealed record HeaderCell(int Row, int Column, string Text, int RowSpan = 1, int ColumnSpan = 1);

/// <summary>A body row; bold rows are subtotals and are shaded.</summary>
public sealed record TableRow(IReadOnlyList<string> Cells, bool Bold = false);

public sealed record TableSpec(IReadOnlyList<TableColumn> Columns, int HeaderRows, IReadOnlyList<HeaderCell> Header, float FontSize = 8);

/// <summary>A table cell as drawn: the page (from 0), its box in points from the page's top left corner, the text it was
/// given (before wrapping), and whether it belongs to the table's header.</summary>
public sealed record DrawnCell(int Page, SKRect Box, string Text, bool Header);

/// <summary>
/// The small layout engine of the PDF reports (Skia's PDF backend draws but does not lay out): A4 pages in either
/// orientation, wrapped paragraphs, tables that break across pages and repeat their header, and charts drawn as vectors.
/// Pages are recorded as drawing steps and written at the end, so that every footer can say "Trang i/N".
/// </summary>
public sealed class PdfLayout
{
    public const float A4Short = 595.28f;
    public const float A4Long = 841.89f;
    public const float Margin = 42;
    private const float FooterHeight = 22;
    private static readonly SKColor Ink = new(0x1F, 0x29, 0x37);
    private static readonly SKColor Grid = new(0x9A, 0xA5, 0xB1);
    private static readonly SKColor HeaderFill = new(0xE3, 0xEA, 0xF2);
    private static readonly SKColor SubtotalFill = new(0xF2, 0xF5, 0xF8);
    private readonly List<Page> _pages = [];
    private readonly List<DrawnCell> _cells = [];
    private Page _page = null!;

    public PdfLayout(bool landscape = false) => NewPage(landscape);

    /// <summary>The cursor: the top of the next thing drawn, in points from the top of the page.</summary>
    public float Y { get; private set; }

    public float ContentWidth => _page.Width - (2 * Margin);

    public int PageCount => _pages.Count;

    /// <summary>Every table cell drawn so far, headers included, each time a header is repeated.</summary>
    public IReadOnlyList<DrawnCell> Cells => _cells;

    private float Bottom => _page.Height - Margin - FooterHeight;

    public void NewPage(bool landscape)
    {
        _page = landscape ? new Page(A4Long, A4Short) : new Page(A4Short, A4Long);
        _pages.Add(_page);
        Y = Margin;
    }

    public void Space(float points) => Y = Math.Min(Y + points, Bottom);

    /// <summary>Starts a new page of the same orientation unless <paramref name="height"/> points still fit.</summary>
    public void KeepTogether(float height)
    {
        if (Y + height > Bottom && Y > Margin)
        {
            NewPage(_page.Width > _page.Height);
        }
    }

    /// <summary>A paragraph wrapped to the content width (or <paramref name="width"/>), breaking across pages between lines.</summary>
    public void Text(string text, float size = 10, bool bold = false, CellAlign align = CellAlign.Left, SKColor? color = null, float indent = 0, bool italic = false)
    {
        var font = Font(size, bold, italic);
        var lineHeight = size * 1.38f;
        var paint = Paint(color ?? Ink);
        foreach (var line in Wrap(Normalize(text), font, ContentWidth - indent))
        {
            KeepTogether(lineHeight);
            var y = Y + size;
            var x = Margin + indent;
            var page = _page;
            var (drawX, textAlign) = Place(align, x, ContentWidth - indent);
            page.Steps.Add(c => c.DrawText(line, drawX, y, textAlign, font, paint));
            Y += lineHeight;
        }
    }

    /// <summary>One line with <paramref name="left"/> at the left margin and <paramref name="right"/> at the right one.</summary>
    public void Line(string left, string right, float size = 9, bool bold = false)
    {
        var lineHeight = size * 1.38f;
        KeepTogether(lineHeight);
        var (y, width, font, plain) = (Y + size, _page.Width, Font(size, bold), Font(size, false));
        var (l, r) = (Normalize(left), Normalize(right));
        _page.Steps.Add(c =>
        {
            c.DrawText(l, Margin, y, SKTextAlign.Left, font, Paint(Ink));
            c.DrawText(r, width - Margin, y, SKTextAlign.Right, plain, Paint(Ink));
        });
        Y += lineHeight;
    }

    /// <summary>One line split into equal columns, each text centred in its column: the title block's left and right
    /// halves, the two signatures. An empty text leaves its column blank.</summary>
    public void Columns(IReadOnlyList<string> texts, float size = 10, bool bold = false)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var lineHeight = size * 1.38f;
        KeepTogether(lineHeight);
        var (y, font, width) = (Y + size, Font(size, bold), ContentWidth / texts.Count);
        var cells = texts.Select(Normalize).ToList();
        _page.Steps.Add(c =>
        {
            for (var i = 0; i < cells.Count; i++)
            {
                c.DrawText(cells[i], Margin + (width * i) + (width / 2), y, SKTextAlign.Center, font, Paint(Ink));
            }
        });
        Y += lineHeight;
    }

    /// <summary>A section heading, kept on the page with at least <paramref name="keepWithNext"/> points of what follows.</summary>
    public void Heading(string text, float size = 12.5f, float keepWithNext = 60)
    {
        Space(6);
        KeepTogether((size * 1.4f) + keepWithNext);
        Text(text, size, bold: true);
        Space(3);
    }

    /// <summary>Anything drawn by <paramref name="draw"/> into a box of the content width and the given height at the cursor.</summary>
    public void Box(float height, Action<SKCanvas, float, float> draw)
    {
        KeepTogether(height);
        var (x, y, w) = (Margin, Y, ContentWidth);
        _page.Steps.Add(c =>
        {
            c.Save();
            c.Translate(x, y);
            c.ClipRect(SKRect.Create(0, 0, w, height)); // a chart that clears its background clears only its box
            draw(c, w, height);
            c.Restore();
        });
        Y += height;
    }

    public void Table(TableSpec spec, IEnumerable<TableRow> rows)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(rows);
        var font = Font(spec.FontSize, false);
        var boldFont = Font(spec.FontSize, true);
        var line = spec.FontSize * 1.25f;
        const float pad = 3;
        var scale = ContentWidth / spec.Columns.Sum(c => c.Width);
        var widths = spec.Columns.Select(c => c.Width * scale).ToArray();
        var lefts = new float[widths.Length + 1];
        for (var i = 0; i < widths.Length; i++)
        {
            lefts[i + 1] = lefts[i] + widths[i];
        }

        float SpanWidth(int column, int span) => lefts[column + span] - lefts[column];
        List<string> Lines(string text, SKFont f, float width) => Wrap(Normalize(text), f, width - (2 * pad));

        // Header rows are as tall as their tallest single-row cell; a spanning cell that needs more grows its last row.
        var headerHeights = new float[spec.HeaderRows];
        foreach (var cell in spec.Header.Where(h => h.RowSpan == 1))
        {
            headerHeights[cell.Row] = Math.Max(headerHeights[cell.Row], (Lines(cell.Text, boldFont, SpanWidth(cell.Column, cell.ColumnSpan)).Count * line) + (2 * pad));
        }

        foreach (var cell in spec.Header.Where(h => h.RowSpan > 1))
        {
            var need = (Lines(cell.Text, boldFont, SpanWidth(cell.Column, cell.ColumnSpan)).Count * line) + (2 * pad);
            var have = headerHeights.Skip(cell.Row).Take(cell.RowSpan).Sum();
            headerHeights[cell.Row + cell.RowSpan - 1] += Math.Max(0, need - have);
        }

        var headerTops = new float[spec.HeaderRows + 1];
        for (var i = 0; i < spec.HeaderRows; i++)
        {
            headerTops[i + 1] = headerTops[i] + headerHeights[i];
        }

        void DrawHeader()
        {
            var (x0, y0) = (Margin, Y);
            var cells = spec.Header.Select(h => (Cell: h, Lines: Lines(h.Text, boldFont, SpanWidth(h.Column, h.ColumnSpan)))).ToList();
            foreach (var h in spec.Header)
            {
                Record(SKRect.Create(x0 + lefts[h.Column], y0 + headerTops[h.Row], SpanWidth(h.Column, h.ColumnSpan), headerTops[h.Row + h.RowSpan] - headerTops[h.Row]), h.Text, header: true);
            }

            _page.Steps.Add(c =>
            {
                foreach (var (h, text) in cells)
                {
                    var rect = SKRect.Create(x0 + lefts[h.Column], y0 + headerTops[h.Row], SpanWidth(h.Column, h.ColumnSpan), headerTops[h.Row + h.RowSpan] - headerTops[h.Row]);
                    c.DrawRect(rect, Paint(HeaderFill));
                    c.DrawRect(rect, Stroke());
                    var top = rect.MidY - (text.Count * line / 2);
                    for (var i = 0; i < text.Count; i++)
                    {
                        c.DrawText(text[i], rect.MidX, top + (i * line) + (spec.FontSize * 0.95f), SKTextAlign.Center, boldFont, Paint(Ink));
                    }
                }
            });
            Y += headerTops[spec.HeaderRows];
        }

        KeepTogether(headerTops[spec.HeaderRows] + (3 * line));
        DrawHeader();
        foreach (var row in rows)
        {
            var f = row.Bold ? boldFont : font;
            var cellLines = row.Cells.Select((text, i) => Lines(text, f, widths[i])).ToList();
            var height = (cellLines.Max(l => l.Count) * line) + (2 * pad);
            if (Y + height > Bottom)
            {
                NewPage(_page.Width > _page.Height);
                DrawHeader();
            }

            var (x0, y0) = (Margin, Y);
            for (var i = 0; i < row.Cells.Count; i++)
            {
                Record(SKRect.Create(x0 + lefts[i], y0, widths[i], height), row.Cells[i], header: false);
            }

            _page.Steps.Add(c =>
            {
                if (row.Bold)
                {
                    c.DrawRect(SKRect.Create(x0, y0, lefts[^1], height), Paint(SubtotalFill));
                }

                for (var i = 0; i < cellLines.Count; i++)
                {
                    var rect = SKRect.Create(x0 + lefts[i], y0, widths[i], height);
                    c.DrawRect(rect, Stroke());
                    var (x, align) = Place(spec.Columns[i].Align, rect.Left + pad, rect.Width - (2 * pad));
                    for (var l = 0; l < cellLines[i].Count; l++)
                    {
                        c.DrawText(cellLines[i][l], x, rect.Top + pad + (l * line) + (spec.FontSize * 0.95f), align, f, Paint(Ink));
                    }
                }
            });
            Y += height;
        }
    }

    /// <summary>Writes the pages with a footer on each: <paramref name="footer"/> on the left, "Trang i/N" on the right.</summary>
    public void Write(Stream output, string footer, SKDocumentPdfMetadata metadata)
    {
        var font = Font(7.5f, false);
        var paint = Paint(new SKColor(0x5B, 0x67, 0x75));
        using var document = SKDocument.CreatePdf(output, metadata) ?? throw new InvalidOperationException("Skia could not create a PDF document.");
        for (var i = 0; i < _pages.Count; i++)
        {
            var page = _pages[i];
            var canvas = document.BeginPage(page.Width, page.Height);
            foreach (var step in page.Steps)
            {
                step(canvas);
            }

            var y = page.Height - Margin + 4;
            canvas.DrawLine(Margin, y - 10, page.Width - Margin, y - 10, Stroke(0.4f));
            canvas.DrawText(Normalize(footer), Margin, y, SKTextAlign.Left, font, paint);
            canvas.DrawText($"Trang {i + 1}/{_pages.Count}", page.Width - Margin, y, SKTextAlign.Right, font, paint);
            document.EndPage();
        }

        document.Close();
    }

    /// <summary>Lines of <paramref name="text"/> no wider than <paramref name="width"/>; explicit line breaks are kept, and
    /// a word wider than the line is cut.</summary>
    public static List<string> Wrap(string text, SKFont font, float width)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(font);
        var lines = new List<string>();
        foreach (var paragraph in text.Split('\n'))
        {
            var current = new StringBuilder();
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = current.Length == 0 ? word : current + " " + word;
                if (font.MeasureText(candidate) <= width)
                {
                    current.Clear().Append(candidate);
                    continue;
                }

                if (current.Length > 0)
                {
                    lines.Add(current.ToString());
                    current.Clear();
                }

                var rest = word;
                while (font.MeasureText(rest) > width && rest.Length > 1)
                {
                    var fit = 1;
                    while (fit < rest.Length && font.MeasureText(rest[..(fit + 1)]) <= width)
                    {
                        fit++;
                    }

                    lines.Add(rest[..fit]);
                    rest = rest[fit..];
                }

                current.Append(rest);
            }

            lines.Add(current.ToString());
        }

        return lines;
    }

    /// <summary>The document information of a report: its title, its author (the reporting unit where there is one), the
    /// software as creator, the generation time.</summary>
    public static SKDocumentPdfMetadata Metadata(string title, DateTimeOffset generatedAt, string author = "ReformMetrics") => new()
    {
        Title = title,
        Author = author,
        Creator = "ReformMetrics",
        Producer = "ReformMetrics (SkiaSharp)",
        Creation = generatedAt.UtcDateTime,
        Modified = generatedAt.UtcDateTime,
    };

    /// <summary>A report font. Unhinted, with linear metrics: hinting rounds every advance to a whole point at the size
    /// drawn (at 7.5 points the "Đ" of DejaVu Sans Condensed took 6 points instead of 5.23), and the PDF placed each letter by those rounded advances,
    /// leaving uneven gaps inside words that text extraction reads as spaces ("Đ ất đai"). A PDF is scaled by its reader,
    /// so the outlines' own advances are the right ones.</summary>
    public static SKFont Font(float size, bool bold, bool italic = false) =>
        new(bold ? ReportFonts.Bold : italic ? ReportFonts.Italic : ReportFonts.Regular, size)
        {
            Subpixel = true,
            Hinting = SKFontHinting.None,
            LinearMetrics = true,
        };

    // Typed or pasted Vietnamese may arrive decomposed (a letter followed by combining marks); the font draws the composed letters.
    private static string Normalize(string text) => text.IsNormalized(NormalizationForm.FormC) ? text : text.Normalize(NormalizationForm.FormC);

    private void Record(SKRect box, string text, bool header) => _cells.Add(new DrawnCell(_pages.Count - 1, box, Normalize(text), header));

    private static (float X, SKTextAlign Align) Place(CellAlign align, float left, float width) => align switch
    {
        CellAlign.Center => (left + (width / 2), SKTextAlign.Center),
        CellAlign.Right => (left + width, SKTextAlign.Right),
        _ => (left, SKTextAlign.Left),
    };

    private static SKPaint Paint(SKColor color) => new() { Color = color, IsAntialias = true, Style = SKPaintStyle.Fill };

    private static SKPaint Stroke(float width = 0.5f) => new() { Color = Grid, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = width };

    private sealed record Page(float Width, float Height)
    {
        public List<Action<SKCanvas>> Steps { get; } = [];
    }
}
