using Dapper;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Cli.Tests;

/// <summary>`reform ingest` killed with SIGKILL at random moments, then run again: every event stored once.</summary>
public sealed class IngestCrashTests(TestDatabase database) : IClassFixture<TestDatabase>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("reform-kill-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Killing_reform_ingest_with_SIGKILL_five_times_then_finishing_leaves_exact_counts()
    {
        var environment = new Dictionary<string, string?> { ["REFORM_ClickHouse__Database"] = database.Name };
        var random = new Random(5);
        var kills = 0;
        for (var cycle = 0; kills < 5 && cycle < 20; cycle++)
        {
            // Each cycle loads a file of its own: 40,000 dossiers, 160,000 distinct events, plus 1 row in 24 repeated.
            var prefix = $"KIL{cycle}-";
            var rows = TestFiles.CsvRows(prefix, 0, 40_000).ToList();
            rows.AddRange(rows.Where((_, i) => i % 24 == 0).ToList());
            var path = TestFiles.WriteCsv(_directory, $"kill{cycle}.csv", rows);
            var arguments = new[] { "--clickhouse", database.Engine.ConnectionString, "ingest", path, "--no-refresh" };

            using (var process = ReformProcess.Start(arguments, environment))
            {
                // Kill at a random moment after the load has begun storing.
                while (!process.HasExited && await StoredAsync(prefix) == 0)
                {
                    await Task.Delay(10, TestContext.Current.CancellationToken);
                }

                await Task.Delay(random.Next(400), TestContext.Current.CancellationToken);
                if (!process.HasExited)
                {
                    process.Kill(); // SIGKILL: no cleanup runs
                    kills++;
                }

                await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            }

            var final = await ReformProcess.RunAsync(arguments, environment, TimeSpan.FromMinutes(3));

            Assert.Equal(0, final.ExitCode);
            await using var connection = database.Store.CreateConnection();
            var (stored, unique) = await connection.QuerySingleAsync<(ulong, ulong)>(
                "SELECT count(), uniqExact(dossier_id, event_id) FROM events WHERE startsWith(dossier_id, @prefix)", new { prefix });
            Assert.Equal((160_000UL, 160_000UL), (stored, unique));
            var summary = await connection.QuerySingleAsync<(ulong Accepted, ulong Duplicates)>(
                "SELECT argMax(accepted, updated_at), argMax(duplicates, updated_at) FROM ingest_files WHERE file_name = @name",
                new { name = $"kill{cycle}.csv" });
            Assert.Equal((160_000UL, 6_667UL), summary);
        }

        Assert.Equal(5, kills);
    }

    private async Task<ulong> StoredAsync(string prefix)
    {
        await using var connection = database.Store.CreateConnection();
        return await connection.ExecuteScalarAsync<ulong>("SELECT count() FROM events WHERE startsWith(dossier_id, @prefix)", new { prefix });
    }
}
