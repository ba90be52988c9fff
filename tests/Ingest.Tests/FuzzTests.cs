using System.Text;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Ingest.Loading;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Ingest.Tests;

/// <summary>A damaged file. The `reform ingest` process killed at random moments is in Cli.Tests (IngestCrashTests).</summary>
public sealed class FuzzTests(TestDatabase database) : IClassFixture<TestDatabase>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("reform-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Every_damaged_row_of_a_fuzzed_file_is_quarantined_with_a_reason_and_every_good_row_loads()
    {
        var random = new Random(20261129);
        var good = TestFiles.CsvRows("FZ", 0, 500).ToList();
        var lines = new List<byte[]>();
        var damaged = 0;
        var kinds = new Dictionary<string, int>();
        var damagedIds = new Dictionary<string, string>();
        foreach (var row in good)
        {
            var kind = random.Next(12) switch
            {
                0 => "truncated",
                1 => "not_utf8",
                2 => "stray_quote",
                3 => "huge_field",
                4 => "bad_date",
                5 => "unknown_enum",
                _ => null,
            };
            // A row for a dossier's receipt that is damaged leaves its other events for a dossier without receipt:
            // still valid rows, loaded and kept as incomplete.
            if (kind is null)
            {
                lines.Add(Encoding.UTF8.GetBytes(row));
                continue;
            }

            damaged++;
            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
            damagedIds[row[..row.IndexOf(',')]] = kind;
            lines.Add(kind switch
            {
                "truncated" => Encoding.UTF8.GetBytes(row[..(row.IndexOf(',', 20) + 1 + random.Next(5))]),
                "not_utf8" => [.. Encoding.UTF8.GetBytes(row[..row.IndexOf(',')]), 0xE0, 0x41, .. Encoding.UTF8.GetBytes(row[row.IndexOf(',')..])],
                "stray_quote" => Encoding.UTF8.GetBytes(row.Insert(row.IndexOf(',', 15) + 1, "\"")),
                "huge_field" => Encoding.UTF8.GetBytes(row.Replace(",,", "," + new string('x', 100_000) + ",", StringComparison.Ordinal)),
                "bad_date" => Encoding.UTF8.GetBytes(row.Replace("2025-", "2025-02-31T", StringComparison.Ordinal)),
                _ => Encoding.UTF8.GetBytes(row.Replace(",received,", ",created,", StringComparison.Ordinal)
                    .Replace(",resolved,", ",done,", StringComparison.Ordinal).Replace(",returned,", ",back,", StringComparison.Ordinal)
                    .Replace(",rated,", ",liked,", StringComparison.Ordinal)),
            });
        }

        var path = Path.Combine(_directory, "fuzzed.csv");
        await using (var file = File.Create(path))
        {
            await file.WriteAsync(Encoding.UTF8.GetBytes(TestFiles.Header + "\n"), TestContext.Current.CancellationToken);
            foreach (var line in lines)
            {
                await file.WriteAsync(line, TestContext.Current.CancellationToken);
                await file.WriteAsync("\n"u8.ToArray(), TestContext.Current.CancellationToken);
            }
        }

        var result = await Ingestors.Events(database.Store).IngestFileAsync(path, null, TestContext.Current.CancellationToken);

        Assert.All(kinds, kind => Assert.True(kind.Value >= 20, $"only {kind.Value} rows of kind {kind.Key}"));
        await using (var check = database.Store.CreateConnection())
        {
            var loadedIds = (await check.QueryAsync<string>("SELECT event_id FROM events WHERE dossier_id LIKE 'FZ%'")).ToHashSet();
            var slipped = damagedIds.Where(d => loadedIds.Contains(d.Key)).Select(d => $"{d.Key}:{d.Value}").Take(10).ToList();
            Assert.True(slipped.Count == 0, string.Join(" ", slipped));
        }

        Assert.Equal((2000L, damaged, 2000L - damaged), (result.Rows, result.Rejected, result.Accepted));
        await using var connection = database.Store.CreateConnection();
        Assert.Equal((ulong)(2000 - damaged), await connection.ExecuteScalarAsync<ulong>("SELECT count() FROM events WHERE dossier_id LIKE 'FZ%'"));
        var reasons = (await connection.QueryAsync<(string Field, string Reason)>(
            "SELECT toString(field), reason FROM quarantine WHERE source = 'fuzzed.csv'")).ToList();
        Assert.Equal(damaged, reasons.Count);
        Assert.All(reasons, r => Assert.False(string.IsNullOrWhiteSpace(r.Reason)));
        Assert.Contains(reasons, r => r.Reason.Contains("UTF-8", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Field == "row");
        Assert.Contains(reasons, r => r.Field == "event_type");
    }
}
