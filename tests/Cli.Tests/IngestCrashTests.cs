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

    [Fact]
    public async Task Killing_a_load_of_files_sharing_events_three_at_a_time_with_SIGKILL_then_finishing_leaves_exact_counts()
    {
        // Six files of 30,000 dossiers loaded three at a time; each file shares half its dossiers with the next, so batches
        // of different files carry the same events at the same moment. Killed at random moments, then run to the end.
        var environment = new Dictionary<string, string?> { ["REFORM_ClickHouse__Database"] = database.Name };
        var folder = Directory.CreateDirectory(Path.Combine(_directory, "shared")).FullName;
        for (var file = 0; file < 6; file++)
        {
            TestFiles.WriteCsv(folder, $"shared-{file}.csv", TestFiles.CsvRows("KPAR-", file * 15_000, 30_000));
        }

        var arguments = new[] { "--clickhouse", database.Engine.ConnectionString, "ingest", folder, "--no-refresh", "--parallel", "3" };
        var random = new Random(7);
        var kills = 0;
        for (var attempt = 0; kills < 3 && attempt < 10; attempt++)
        {
            using var process = ReformProcess.Start(arguments, environment);
            var before = await StoredAsync("KPAR-");
            while (!process.HasExited && await StoredAsync("KPAR-") == before)
            {
                await Task.Delay(10, TestContext.Current.CancellationToken);
            }

            await Task.Delay(random.Next(600), TestContext.Current.CancellationToken);
            if (!process.HasExited)
            {
                process.Kill();
                kills++;
            }

            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        var final = await ReformProcess.RunAsync(arguments, environment, TimeSpan.FromMinutes(3));

        Assert.True(final.ExitCode == 0, final.StandardError);
        Assert.True(kills >= 1, "no run was killed mid-load");
        const ulong Distinct = (5 * 15_000 + 30_000) * 4UL;
        await using var connection = database.Store.CreateConnection();
        var (stored, unique) = await connection.QuerySingleAsync<(ulong, ulong)>(
            "SELECT count(), uniqExact(dossier_id, event_id) FROM events WHERE startsWith(dossier_id, 'KPAR-')");
        Assert.Equal((Distinct, Distinct), (stored, unique));
        // Which file a shared event counts for depends on timing; the files' totals do not.
        var (accepted, duplicates) = await connection.QuerySingleAsync<(ulong, ulong)>(
            "SELECT sum(a), sum(d) FROM (SELECT argMax(accepted, updated_at) AS a, argMax(duplicates, updated_at) AS d "
            + "FROM ingest_files WHERE startsWith(file_name, 'shared-') GROUP BY file_key)");
        Assert.Equal((Distinct, (6 * 30_000 * 4UL) - Distinct), (accepted, duplicates));
    }

    private async Task<ulong> StoredAsync(string prefix)
    {
        await using var connection = database.Store.CreateConnection();
        return await connection.ExecuteScalarAsync<ulong>("SELECT count() FROM events WHERE startsWith(dossier_id, @prefix)", new { prefix });
    }
}
