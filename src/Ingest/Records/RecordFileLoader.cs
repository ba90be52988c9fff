using System.Diagnostics;
using ClickHouse.Driver;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using nietras.SeparatedValues;
using ReformMetrics.Ingest.Ledger;
using ReformMetrics.Ingest.Contract;
using ReformMetrics.Ingest.Limits;
using ReformMetrics.Ingest.Loading;
using ReformMetrics.Ingest.Reading;
using ReformMetrics.Ingest.Validation;
using ReformMetrics.Store;

namespace ReformMetrics.Ingest.Records;

/// <summary>
/// Loads a record file (agencies, feedback, tasks, targets): every row validated, bad rows quarantined with their reason
/// and written to &lt;file&gt;.rejects.csv, good rows inserted in batches. Exactly once: a file loaded whole before is
/// skipped (SHA-256 in ingest_files); each batch insert carries a deduplication token, so a retry or a re-run after a
/// crash stores it once; and the tables replace a row by its key, so loading it again from another file changes nothing.
/// </summary>
public sealed class RecordFileLoader(
    ClickHouseStore store, SourceLedger ledger, TimeProvider clock, IOptions<IntakeOptions> options, ILogger<RecordFileLoader> logger)
{
    private const int BatchRows = 50_000;

    public async Task<IngestResult> LoadAsync(string path, RecordKind kind, CancellationToken cancellationToken, string? rejectsDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(kind);
        var stopwatch = Stopwatch.StartNew();
        var source = Path.GetFileName(path);
        var fileKey = await SourceLedger.FileKeyAsync(path, cancellationToken).ConfigureAwait(false);
        if (await ledger.StatusAsync(fileKey, cancellationToken).ConfigureAwait(false) is { Status: "done" } previous)
        {
            return new IngestResult(source, (long)previous.Rows, 0, (long)previous.Accepted, (long)previous.Rejected, stopwatch.Elapsed,
                AlreadyLoaded: true, FileKey: fileKey);
        }

        var size = (ulong)new FileInfo(path).Length;
        await ledger.SetStatusAsync(fileKey, source, size, "loading", default, 0, string.Empty, cancellationToken).ConfigureAwait(false);
        var validator = new RecordValidator(kind, await IngestReference.LoadAsync(store, cancellationToken).ConfigureAwait(false), clock);
        var keys = new Dictionary<string, long>(StringComparer.Ordinal);
        var batch = new List<object?[]>();
        var rejections = new List<Rejection>();
        long rows = 0, accepted = 0;
        uint batchNumber = 0;
        var limits = options.Value;
        // A record file's rejections are held until its end: one budget for the whole file.
        var budget = new RawBudget(limits);

        try
        {
            await using (var stream = new BoundedLineStream(EventSource.Decompressed(File.OpenRead(path), limits.MaxUnpackedFileBytes), limits.MaxLineBytes, quotes: true))
            {
                using var reader = Sep.Reader(o => o with { Sep = new Sep(','), HasHeader = true, Unescape = true, DisableColCountCheck = true }).From(stream);
                var header = reader.Header.ColNames;
                foreach (var row in reader)
                {
                    rows++;
                    var line = row.LineNumberFrom;
                    if (stream.Cuts.Count > 0 && stream.IsCut(row.Span, out var cut))
                    {
                        rejections.Add(budget.Cap(new Rejection(line, BoundedLineStream.Raw(cut!), "row", stream.Reason(cut!))));
                        continue;
                    }

                    // Read the raw text first: unescaping rewrites the row's buffer.
                    var raw = row.Span.ToString();
                    if (row.ColCount != header.Count)
                    {
                        rejections.Add(budget.Cap(new Rejection(line, raw, "row", $"có {row.ColCount} cột, tiêu đề có {header.Count}")));
                        continue;
                    }

                    var values = new Dictionary<string, string>(StringComparer.Ordinal);
                    for (var i = 0; i < header.Count; i++)
                    {
                        values[header[i]] = row[i].ToString();
                    }

                    if (validator.Validate(values, out var problem) is not { } valid)
                    {
                        rejections.Add(budget.Cap(new Rejection(line, raw, problem.Field, problem.Reason)));
                        continue;
                    }

                    var key = string.Join('\u001F', kind.Key.Select(k => values.GetValueOrDefault(k, string.Empty)));
                    if (keys.TryGetValue(key, out var firstLine))
                    {
                        rejections.Add(budget.Cap(new Rejection(line, raw, kind.Key[0], $"trùng khoá ({string.Join(", ", kind.Key)}) với dòng {firstLine}")));
                        continue;
                    }

                    keys[key] = line;
                    batch.Add([.. valid, fileKey]);
                    accepted++;
                    if (batch.Count == BatchRows)
                    {
                        await InsertAsync(kind, fileKey, batchNumber++, batch, cancellationToken).ConfigureAwait(false);
                        batch.Clear();
                    }
                }
            }

        }
        catch (SourceFormatException ex)
        {
            // A gzip file that unpacks past its limit: refused as a whole, like an unreadable file.
            await ledger.SetStatusAsync(fileKey, source, size, "failed", default, 0, ex.Message, cancellationToken).ConfigureAwait(false);
            return new IngestResult(source, 0, 0, 0, 0, stopwatch.Elapsed, Failure: ex.Message, FileKey: fileKey);
        }

        if (batch.Count > 0)
        {
            await InsertAsync(kind, fileKey, batchNumber, batch, cancellationToken).ConfigureAwait(false);
        }

        string? rejectsFile = null;
        if (rejections.Count > 0)
        {
            await ledger.QuarantineAsync(fileKey, source, "records", rejections, cancellationToken).ConfigureAwait(false);
            rejectsFile = await ledger.WriteRejectsAsync(fileKey,
                Path.Combine(rejectsDirectory ?? Path.GetDirectoryName(Path.GetFullPath(path))!, source + ".rejects.csv"), cancellationToken).ConfigureAwait(false);
        }

        await ledger.SetStatusAsync(fileKey, source, size, "done", new BatchOutcome(accepted, 0, rejections.Count), (ulong)rows, string.Empty, cancellationToken)
            .ConfigureAwait(false);
        logger.LogInformation("{Source} ({Kind}): {Rows} rows, {Accepted} stored, {Rejected} rejected", source, kind.Name, rows, accepted, rejections.Count);
        return new IngestResult(source, rows, accepted, 0, rejections.Count, stopwatch.Elapsed, RejectsFile: rejectsFile, FileKey: fileKey);
    }

    private async Task InsertAsync(RecordKind kind, string fileKey, uint number, List<object?[]> rows, CancellationToken cancellationToken)
    {
        var options = new InsertOptions
        {
            BatchSize = rows.Count,
            MaxDegreeOfParallelism = 1,
            CustomSettings = new Dictionary<string, object>
            {
                ["async_insert"] = 0,
                ["insert_deduplicate"] = 1,
                ["insert_deduplication_token"] = $"{fileKey}/records/{number}",
            },
        };
        var columns = kind.Columns.Select(c => c.Name).Append("file_key").ToArray();
        var converted = rows.Select(r => r.Select(Convert).ToArray()).ToList();
        await Retry.RunAsync(store, $"store {kind.Name}", async token =>
        {
            await store.Client.InsertBinaryAsync(kind.Table, columns, converted, options, token).ConfigureAwait(false);
        }, logger, cancellationToken).ConfigureAwait(false);
    }

    private static object Convert(object? value) => value ?? DBNull.Value;
}
