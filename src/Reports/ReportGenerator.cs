using ReformMetrics.Metrics.Periods;
using ReformMetrics.Reports.Bulletin;
using ReformMetrics.Reports.Excel;
using ReformMetrics.Reports.OfficialForm;
using ReformMetrics.Reports.Pdf;

namespace ReformMetrics.Reports;

/// <summary>One report to write: the form, its file format, the period, geography and province (null: the whole country).</summary>
public sealed record ReportRequest(string Form, string Format, Period Period, int Geo, string? Province, FormLayout Layout = FormLayout.LevelAndSector)
{
    /// <summary>The forms and the formats each is written in, the first being its default.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Formats = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["tthc-results"] = ["xlsx", "pdf"],
        ["provinces"] = ["xlsx"],
        ["bulletin"] = ["pdf"],
    };

    /// <summary>Why a form and format cannot be written (in Vietnamese, for the user), or null.</summary>
    public static string? Problem(string form, string? format) =>
        !Formats.TryGetValue(form, out var formats) ? $"biểu \"{form}\" không có; dùng {string.Join(", ", Formats.Keys)}."
        : format is not null && !formats.Contains(format) ? $"biểu \"{form}\" không có định dạng \"{format}\"; dùng {string.Join(" hoặc ", formats)}."
        : null;

    /// <summary>The file name scheduled runs use: form, unit, period, format.</summary>
    public string FileName => $"{Form}-{(Form == "provinces" ? "toan-quoc" : Province ?? "toan-quoc")}-{Period.Key}{(Period.CutoffDay is { } d ? $"-chot{d}" : string.Empty)}.{Format}";
}

/// <summary>Builds any report from the metrics layer and writes it atomically; the CLI, the scheduler and the benchmark all go through here.</summary>
public sealed class ReportGenerator(TthcResultsBuilder forms, ProvincesReportBuilder provinces, BulletinBuilder bulletins)
{
    /// <summary>Writes the report to <paramref name="path"/>; returns a one-line description for the user.</summary>
    public async Task<string> WriteAsync(ReportRequest request, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ReportRequest.Problem(request.Form, request.Format) is { } problem)
        {
            throw new ArgumentException(problem, nameof(request));
        }

        switch (request.Form)
        {
            case "provinces":
                var all = await provinces.BuildAsync(request.Period, request.Geo, cancellationToken).ConfigureAwait(false);
                await ReportFile.WriteAtomicallyAsync(path, stream => ProvincesWorkbook.Write(all, stream)).ConfigureAwait(false);
                return $"{all.Provinces.Groups.Count} tỉnh, thành phố, {all.Period.Label}";
            case "bulletin":
                var bulletin = await bulletins.BuildAsync(request.Period, request.Geo, request.Province, cancellationToken).ConfigureAwait(false);
                await ReportFile.WriteAtomicallyAsync(path, stream => BulletinPdf.Write(bulletin, stream)).ConfigureAwait(false);
                return $"bản tin {bulletin.UnitName}, {bulletin.Period.Label}";
            default:
                var form = await forms.BuildAsync(request.Period, request.Geo, request.Province, request.Layout, cancellationToken).ConfigureAwait(false);
                await ReportFile.WriteAtomicallyAsync(path, stream =>
                {
                    if (request.Format == "pdf")
                    {
                        TthcResultsPdf.Write(form, stream);
                    }
                    else
                    {
                        TthcResultsWorkbook.Write(form, stream);
                    }
                }).ConfigureAwait(false);
                return $"{form.UnitName}, {form.Period.Label}, {form.Rows.Count} dòng";
        }
    }
}
