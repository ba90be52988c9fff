using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Ingest.Loading;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Ingest.Tests;

/// <summary>Loading files into a real ClickHouse: duplicates within, across and on re-ingest; rejects; resumption.</summary>
public sealed class EventIngestorTests(TestDatabase database) : IClassFixture<TestDatabase>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("reform-ingest-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Duplicates_within_a_file_across_files_and_on_re_ingest_are_stored_once_and_counted()
    {
        var rows = TestFiles.CsvRows("DUP", 0, 50).ToList();
        var first = TestFiles.WriteCsv(_directory, "first.csv", rows.Concat(rows.Take(10)));                      // 10 repeated rows
        var second = TestFiles.WriteCsv(_directory, "second.csv", TestFiles.CsvRows("DUP", 40, 20));              // dossiers 40..49 again
        var copy = Path.Combine(_directory, "first-copy.csv");
        File.Copy(first, copy);

        var a = await Ingestor(batchRows: 37).IngestFileAsync(first, null, TestContext.Current.CancellationToken);
        var b = await Ingestor(batchRows: 37).IngestFileAsync(second, null, TestContext.Current.CancellationToken);
        var again = await Ingestor().IngestFileAsync(first, null, TestContext.Current.CancellationToken);
        var renamed = await Ingestor().IngestFileAsync(copy, null, TestContext.Current.CancellationToken);

        Assert.Equal((210L, 200L, 10L, 0L), (a.Rows, a.Accepted, a.Duplicates, a.Rejected));
        Assert.Equal((80L, 40L, 40L), (b.Rows, b.Accepted, b.Duplicates));
        Assert.True(again.AlreadyLoaded);
        Assert.True(renamed.AlreadyLoaded);
        Assert.Equal(0L, again.Accepted + renamed.Accepted);
        Assert.Equal((240UL, 240UL), await CountAsync("DUP%"));
    }

    [Fact]
    public async Task A_batch_with_more_dossiers_than_a_query_parameter_holds_finds_stored_events_through_the_lookup_table()
    {
        // 6,000 dossiers of 13 to 16 characters: more than the 64 KiB a look-up may pass as a parameter.
        var first = TestFiles.WriteCsv(_directory, "lookup-first.csv", TestFiles.CsvRows("BIGLOOKUP", 0, 6000));
        var second = TestFiles.WriteCsv(_directory, "lookup-second.csv", TestFiles.CsvRows("BIGLOOKUP", 3000, 6000));

        var a = await Ingestor().IngestFileAsync(first, null, TestContext.Current.CancellationToken);
        var b = await Ingestor().IngestFileAsync(second, null, TestContext.Current.CancellationToken);

        Assert.Equal((24_000L, 24_000L, 0L), (a.Rows, a.Accepted, a.Duplicates));
        Assert.Equal((24_000L, 12_000L, 12_000L), (b.Rows, b.Accepted, b.Duplicates));
        Assert.Equal((36_000UL, 36_000UL), await CountAsync("BIGLOOKUP%"));
    }

    [Fact]
    public async Task Rejected_rows_go_to_quarantine_and_a_rejects_file_while_good_rows_load()
    {
        var rows = TestFiles.CsvRows("REJ", 0, 5).ToList();
        rows.Insert(2, "REJ-bad1,REJ9,received,not a date,72,district,AG1,HOTICH,DEMO.HT.001,online,true,,,,");
        rows.Insert(5, "REJ-bad2,REJ9,created,2025-03-03T09:00:00,,,,,,,,,,,");
        var path = TestFiles.WriteCsv(_directory, "rejects.csv", rows);

        var result = await Ingestor().IngestFileAsync(path, null, TestContext.Current.CancellationToken);

        Assert.Equal((22L, 20L, 2L), (result.Rows, result.Accepted, result.Rejected));
        Assert.Equal(path + ".rejects.csv", result.RejectsFile);
        var rejects = File.ReadAllLines(result.RejectsFile!);
        Assert.Equal("\"row_number\",\"field\",\"reason\",\"raw\"", rejects[0]);
        Assert.StartsWith("\"4\",\"occurred_at\",", rejects[1], StringComparison.Ordinal);
        Assert.StartsWith("\"7\",\"event_type\",", rejects[2], StringComparison.Ordinal);
        await using var connection = database.Store.CreateConnection();
        var quarantined = (await connection.QueryAsync<(ulong Row, string Field, string Source)>(
            "SELECT row_number, toString(field), source FROM quarantine WHERE source = 'rejects.csv' ORDER BY row_number")).ToList();
        Assert.Equal([(4UL, "occurred_at", "rejects.csv"), (7UL, "event_type", "rejects.csv")], quarantined);
    }

    [Fact]
    public async Task A_rejected_row_that_would_run_as_a_formula_reaches_the_rejects_file_as_text()
    {
        var rows = TestFiles.CsvRows("FML", 0, 2).ToList();
        rows.Add("=cmd|' /C calc'!A0,FML9,created,2025-03-03T09:00:00,,,,,,,,,,,");
        var path = TestFiles.WriteCsv(_directory, "formula.csv", rows);

        var result = await Ingestor().IngestFileAsync(path, null, TestContext.Current.CancellationToken);

        Assert.Equal(1L, result.Rejected);
        var reject = File.ReadAllLines(result.RejectsFile!)[1];
        // The raw line, apostrophe first and quoted: a spreadsheet shows it and runs nothing.
        Assert.EndsWith(",\"'=cmd|' /C calc'!A0,FML9,created,2025-03-03T09:00:00,,,,,,,,,,,\"", reject, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RES", 50)]
    [InlineData("RSZ", 70)] // resumed by a loader whose batch size differs (an upgrade): the interrupted load's size is kept
    public async Task An_interrupted_file_resumes_at_its_first_unrecorded_batch_with_exact_counts(string prefix, int resumeBatchRows)
    {
        var rows = TestFiles.CsvRows(prefix, 0, 100).ToList();
        rows.AddRange(rows.Take(20)); // and some repeats
        var path = TestFiles.WriteCsv(_directory, $"resume-{prefix}.csv", rows);
        using var stop = new CancellationTokenSource();
        var batches = 0;
        var progress = new SynchronousProgress(_ =>
        {
            if (++batches == 5) // batches of 6, 12, 24, 48 and 50 rows are stored by then (BatchPlan)
            {
                stop.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Ingestor(batchRows: 50).IngestFileAsync(path, progress, stop.Token));
        var partial = await CountAsync($"{prefix}%");
        var result = await Ingestor(batchRows: resumeBatchRows).IngestFileAsync(path, null, TestContext.Current.CancellationToken);

        Assert.InRange(partial.Rows, 100UL, 399UL);
        Assert.Equal((420L, 400L, 20L), (result.Rows, result.Accepted, result.Duplicates));
        Assert.Equal((400UL, 400UL), await CountAsync($"{prefix}%"));
    }

    [Fact]
    public async Task A_load_stopped_after_its_last_batch_was_stored_but_before_it_was_marked_done_resumes_with_exact_counts()
    {
        var rows = TestFiles.CsvRows("LST", 0, 100).ToList();
        rows.AddRange(rows.Take(20));
        var path = TestFiles.WriteCsv(_directory, "last-batch.csv", rows);
        var first = await Ingestor(batchRows: 50).IngestFileAsync(path, null, TestContext.Current.CancellationToken);
        await using var connection = database.Store.CreateConnection();
        // 420 rows in batches of 6, 12, 24, 48, six of 50 and 30: the last (10) is not recorded, the file's "done" row
        // stands for it. Without that row, the store is as a SIGKILL between the last insert and the "done" row leaves it.
        var recorded = (await connection.QueryAsync<uint>(
            "SELECT batch FROM ingest_batches WHERE file_key = @key ORDER BY batch", new { key = first.FileKey })).ToList();
        await connection.ExecuteAsync("DELETE FROM ingest_files WHERE file_key = @key", new { key = first.FileKey });

        var again = await Ingestor(batchRows: 50).IngestFileAsync(path, null, TestContext.Current.CancellationToken);

        Assert.Equal(Enumerable.Range(0, 10).Select(b => (uint)b), recorded);
        Assert.Equal((420L, 400L, 20L), (first.Rows, first.Accepted, first.Duplicates));
        Assert.False(again.AlreadyLoaded);
        Assert.Equal((420L, 400L, 20L), (again.Rows, again.Accepted, again.Duplicates));
        Assert.Equal((400UL, 400UL), await CountAsync("LST%"));
    }

    [Fact]
    public async Task A_file_whose_header_is_unusable_fails_as_a_whole_with_the_reason()
    {
        var path = Path.Combine(_directory, "noheader.csv");
        await File.WriteAllTextAsync(path, "id,when\n1,2\n", TestContext.Current.CancellationToken);

        var result = await Ingestor().IngestFileAsync(path, null, TestContext.Current.CancellationToken);

        Assert.True(result.Failed);
        Assert.Contains("event_id", result.Failure, StringComparison.Ordinal);
    }

    private EventIngestor Ingestor(int batchRows = EventIngestor.DefaultBatchRows) => Ingestors.Events(database.Store, batchRows);

    private async Task<(ulong Rows, ulong Unique)> CountAsync(string pattern)
    {
        await using var connection = database.Store.CreateConnection();
        return await connection.QuerySingleAsync<(ulong, ulong)>(
            "SELECT count(), uniqExact(dossier_id, event_id) FROM events WHERE dossier_id LIKE @pattern", new { pattern });
    }

    private sealed class SynchronousProgress(Action<IngestProgress> report) : IProgress<IngestProgress>
    {
        public void Report(IngestProgress value) => report(value);
    }
}
