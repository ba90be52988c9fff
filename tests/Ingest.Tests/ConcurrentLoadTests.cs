using Dapper;
using Microsoft.Extensions.Options;
using ReformMetrics.Ingest.Limits;
using ReformMetrics.Ingest.Loading;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Ingest.Tests;

/// <summary>
/// Sources loaded at the same time (issue 20): files that share events, loaded four at once in small batches so that many
/// batches of different files are in flight together, store every event once, with totals a one-at-a-time load gives.
/// </summary>
public sealed class ConcurrentLoadTests(TestDatabase database) : IClassFixture<TestDatabase>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("reform-concurrent-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Files_sharing_events_loaded_at_the_same_time_store_each_event_once_with_exact_totals()
    {
        // Eight files of 3,000 dossiers; each shares its last 1,500 dossiers with the next file, and repeats 1 row in 10.
        var paths = new List<string>();
        for (var file = 0; file < 8; file++)
        {
            var rows = TestFiles.CsvRows("CON", file * 1_500, 3_000).ToList();
            rows.AddRange(rows.Where((_, i) => i % 10 == 0).ToList());
            paths.Add(TestFiles.WriteCsv(_directory, $"con-{file}.csv", rows));
        }

        var coordinator = new IngestCoordinator(Options.Create(new IntakeOptions { ConcurrentLoads = 4 }));
        var ingestor = Ingestors.Events(database.Store, batchRows: 1_000, coordinator: coordinator);
        var results = await Task.WhenAll(paths.Select(p => Task.Run(() => ingestor.IngestFileAsync(p, null, TestContext.Current.CancellationToken))));

        var distinct = (8 * 1_500 + 1_500) * 4L; // dossiers 0..13,499, four events each
        var rowsRead = 8 * (3_000 * 4 + 1_200L);
        Assert.Equal(rowsRead, results.Sum(r => r.Rows));
        Assert.Equal(distinct, results.Sum(r => r.Accepted));
        Assert.Equal(rowsRead - distinct, results.Sum(r => r.Duplicates));
        Assert.Equal(((ulong)distinct, (ulong)distinct), await CountAsync("CON%"));
        // The ledger agrees with the store: what each file's "done" row says it accepted adds up to what is stored.
        await using var connection = database.Store.CreateConnection();
        var ledger = await connection.ExecuteScalarAsync<ulong>(
            "SELECT sum(a) FROM (SELECT argMax(accepted, updated_at) AS a FROM ingest_files WHERE startsWith(file_name, 'con-') GROUP BY file_key)");
        Assert.Equal((ulong)distinct, ledger);
    }

    [Fact]
    public async Task The_same_file_started_twice_at_once_is_loaded_once_and_found_done_by_the_other()
    {
        var path = TestFiles.WriteCsv(_directory, "twice.csv", TestFiles.CsvRows("TWC", 0, 2_000));
        var coordinator = new IngestCoordinator(Options.Create(new IntakeOptions { ConcurrentLoads = 4 }));
        var ingestor = Ingestors.Events(database.Store, batchRows: 500, coordinator: coordinator);

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => ingestor.IngestFileAsync(path, null, TestContext.Current.CancellationToken))));

        var loaded = Assert.Single(results, r => !r.AlreadyLoaded);
        Assert.Equal((8_000L, 0L), (loaded.Accepted, loaded.Duplicates));
        Assert.All(results.Where(r => r.AlreadyLoaded), r => Assert.Equal((0L, 8_000L), (r.Accepted, r.Duplicates)));
        Assert.Equal((8_000UL, 8_000UL), await CountAsync("TWC%"));
    }

    private async Task<(ulong Rows, ulong Unique)> CountAsync(string pattern)
    {
        await using var connection = database.Store.CreateConnection();
        return await connection.QuerySingleAsync<(ulong, ulong)>(
            "SELECT count(), uniqExact(dossier_id, event_id) FROM events WHERE dossier_id LIKE @pattern", new { pattern });
    }
}
