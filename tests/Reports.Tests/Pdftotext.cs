using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using ReformMetrics.Reports.Pdf;

namespace ReformMetrics.Reports.Tests;

/// <summary>
/// A PDF read back by poppler's pdftotext, the tool people's search and copy behave like: its words with their boxes
/// (<c>pdftotext -bbox</c>), and the text of a region as the words whose centre lies in it, line by line. ./test installs
/// poppler-utils when it is missing; without it these tests fail rather than skip.
/// </summary>
internal static partial class Pdftotext
{
    public sealed record Word(int Page, double XMin, double YMin, double XMax, double YMax, string Text);

    public static IReadOnlyList<Word> Words(byte[] pdf)
    {
        var directory = Directory.CreateTempSubdirectory("reform-pdftotext-");
        try
        {
            var input = Path.Combine(directory.FullName, "report.pdf");
            var output = Path.Combine(directory.FullName, "words.html");
            File.WriteAllBytes(input, pdf);
            var start = new ProcessStartInfo("pdftotext") { ArgumentList = { "-bbox", "-enc", "UTF-8", input, output }, RedirectStandardError = true };
            Process process;
            try
            {
                process = Process.Start(start) ?? throw new InvalidOperationException("pdftotext did not start.");
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException("pdftotext is missing: install poppler-utils (./test does when it runs as root).", e);
            }

            using (process)
            {
                var error = process.StandardError.ReadToEnd();
                process.WaitForExit();
                Assert.True(process.ExitCode == 0, $"pdftotext failed: {error}");
            }

            var words = new List<Word>();
            var page = -1;
            foreach (var line in File.ReadLines(output))
            {
                if (line.TrimStart().StartsWith("<page ", StringComparison.Ordinal))
                {
                    page++;
                    continue;
                }

                if (WordPattern().Match(line) is { Success: true } m)
                {
                    double D(string group) => double.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);
                    words.Add(new Word(page, D("x0"), D("y0"), D("x1"), D("y1"), WebUtility.HtmlDecode(m.Groups["text"].Value)));
                }
            }

            return words;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>The words of <paramref name="page"/> whose centre lies in <paramref name="box"/>, top line first, each line
    /// left to right, separated by single spaces.</summary>
    public static string TextIn(IReadOnlyList<Word> words, int page, SkiaSharp.SKRect box) =>
        string.Join(" ", Lines(words, page, box).Select(l => string.Join(" ", l.Select(w => w.Text))));

    /// <summary>The same words grouped into lines.</summary>
    public static List<List<Word>> Lines(IReadOnlyList<Word> words, int page, SkiaSharp.SKRect box)
    {
        var inside = words
            .Where(w => w.Page == page && box.Contains((float)((w.XMin + w.XMax) / 2), (float)((w.YMin + w.YMax) / 2)))
            .OrderBy(w => w.YMin).ThenBy(w => w.XMin).ToList();
        var lines = new List<List<Word>>();
        foreach (var word in inside)
        {
            var last = lines.LastOrDefault();
            if (last is not null && word.YMin < last[0].YMin + ((last[0].YMax - last[0].YMin) / 2))
            {
                last.Add(word);
            }
            else
            {
                lines.Add([word]);
            }
        }

        return lines.Select(l => l.OrderBy(w => w.XMin).ToList()).ToList();
    }

    /// <summary>A cell's text as a reader sees it once wrapped: runs of white space are one space.</summary>
    public static string Collapse(string text) => Regex.Replace(text, @"\s+", " ").Trim();

    /// <summary>Every cell of <paramref name="cells"/> whose text pdftotext does not give back exactly, as
    /// "page N: given → read" lines (empty when all match).</summary>
    public static List<string> Mismatches(byte[] pdf, IEnumerable<DrawnCell> cells)
    {
        var words = Words(pdf);
        return cells
            .Select(c => (Cell: c, Read: TextIn(words, c.Page, c.Box)))
            .Where(p => p.Read != Collapse(p.Cell.Text))
            .Select(p => $"page {p.Cell.Page + 1}: \"{Collapse(p.Cell.Text)}\" → \"{p.Read}\"")
            .ToList();
    }

    [GeneratedRegex("<word xMin=\"(?<x0>[0-9.]+)\" yMin=\"(?<y0>[0-9.]+)\" xMax=\"(?<x1>[0-9.]+)\" yMax=\"(?<y1>[0-9.]+)\">(?<text>.*)</word>")]
    private static partial Regex WordPattern();
}
