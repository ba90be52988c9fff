using nietras.SeparatedValues;
using ReformMetrics.Ingest.Reading;
using ReformMetrics.Ingest.Records;

namespace ReformMetrics.Ingest;

/// <summary>Loads any input file: a CSV whose header carries the columns of a record kind (agencies, feedback,
/// tasks, targets) goes to the <see cref="RecordFileLoader"/>; everything else is an event file.</summary>
public sealed class InputIngestor(EventIngestor events, RecordFileLoader records)
{
    public async Task<IngestResult> IngestFileAsync(string path, IProgress<IngestProgress>? progress, CancellationToken cancellationToken, string? rejectsDirectory = null)
    {
        return KindOf(path) is { } kind
            ? await records.LoadAsync(path, kind, cancellationToken, rejectsDirectory).ConfigureAwait(false)
            : await events.IngestFileAsync(path, progress, cancellationToken, rejectsDirectory).ConfigureAwait(false);
    }

    /// <summary>The record kind of a CSV file, or null for an event file (or a file whose header cannot be read:
    /// the event reader then reports what is wrong with it).</summary>
    public static RecordKind? KindOf(string path)
    {
        try
        {
            using var stream = EventSource.Decompressed(File.OpenRead(path));
            if (EventSource.FormatOf(path, stream) != SourceFormat.Csv)
            {
                return null;
            }

            using var reader = Sep.Reader(o => o with { Sep = new Sep(','), HasHeader = true }).From(stream);
            var header = reader.Header.ColNames;
            return header.Contains("event_id") ? null : RecordKind.FromHeader(header.ToList());
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or InvalidDataException)
        {
            return null;
        }
    }
}
