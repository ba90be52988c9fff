using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using ClickHouse.Driver;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReformMetrics.Ingest.Contract;
using ReformMetrics.Store;
using ReformMetrics.Store.Embedded;
using ReformMetrics.Store.Migrations;

namespace ReformMetrics.Cli.Bench;

/// <summary>
/// `reform bench ingest [--rows N] [--rounds R]`: writes N valid events as CSV, then R times in turn loads the file with
/// ClickHouse's own <c>INSERT ... FORMAT CSVWithNames</c> into a fresh scratch table (the baseline) and with
/// `reform ingest` (a separate process, validation and de-duplication on) into fresh tables of the events structure in
/// the database bench_ingest. Prints each round, the medians, the ratio of the median rates and the peak RSS of the
/// ingest process. Rounds alternate so that a noisy neighbour on a shared machine weighs on both sides alike.
/// </summary>
internal static class IngestBenchmark
{
    private const string Database = "bench_ingest";

    public static async Task<int> RunAsync(CliHost cli, long rows, int rounds, CancellationToken cancellationToken)
    {
        var scratch = Directory.CreateTempSubdirectory("reform-bench-ingest-").FullName;
        try
        {
            var file = Path.Combine(scratch, "bench-events.csv");
            var stopwatch = Stopwatch.StartNew();
            BenchEventFile.Write(file, rows);
            ConsoleUi.Info($"Đã viết {rows:N0} sự kiện ({new FileInfo(file).Length / 1048576.0:N0} MB) trong {stopwatch.Elapsed.TotalSeconds:N1} giây.");

            await using var store = new ClickHouseStore(
                Options.Create(new ClickHouseOptions { ConnectionString = cli.Store.ConnectionString, Database = Database }), NullLoggerFactory.Instance);
            await store.OpenAsync(null, cancellationToken);
            var baselines = new List<double>();
            var ingests = new List<double>();
            long peakKb = 0;
            var exact = true;
            for (var round = 1; round <= rounds; round++)
            {
                await FreshDatabaseAsync(store, cancellationToken);
                var baseline = await BaselineAsync(store, file, cancellationToken);
                // The baseline's parts are merged in the background after its insert returns: let that finish, so that
                // it does not run during (and slow down) the load measured next.
                await QuietAsync(store, cancellationToken);
                var (ingest, peak, exitCode) = await ReformIngestAsync(store.ConnectionString, file, cancellationToken);
                await using var check = store.CreateConnection();
                var loaded = await check.ExecuteScalarAsync<ulong>("SELECT count() FROM events");
                var loadedBaseline = await check.ExecuteScalarAsync<ulong>("SELECT count() FROM csv_baseline");
                exact &= loaded == (ulong)rows && loadedBaseline == (ulong)rows && exitCode == 0;
                baselines.Add(baseline.TotalSeconds);
                ingests.Add(ingest.TotalSeconds);
                peakKb = Math.Max(peakKb, peak);
                ConsoleUi.Out.WriteLine(
                    $"round {round}: CSV insert {baseline.TotalSeconds:N2} s ({loadedBaseline:N0} rows), reform ingest {ingest.TotalSeconds:N2} s ({loaded:N0} rows, exit {exitCode}), ratio {baseline.TotalSeconds / ingest.TotalSeconds:N2}");
            }

            var (parse, insert) = await BreakdownAsync(store, file, cancellationToken);
            var baseRate = rows / Median(baselines);
            var ingestRate = rows / Median(ingests);
            ConsoleUi.Out.WriteLine($"ClickHouse INSERT ... FORMAT CSVWithNames, median of {rounds}: {Median(baselines):N2} s, {baseRate:N0} rows/s");
            ConsoleUi.Out.WriteLine($"reform ingest (validation, de-duplication), median of {rounds}: {Median(ingests):N2} s, {ingestRate:N0} rows/s");
            ConsoleUi.Out.WriteLine($"ratio reform ingest / ClickHouse CSV insert (median rates): {ingestRate / baseRate:N2} (target ≥ 0,80)");
            ConsoleUi.Out.WriteLine($"peak RSS of the reform ingest process: {peakKb / 1024.0:N0} MB (target ≤ 500 MB at 10.000.000 events)");
            ConsoleUi.Out.WriteLine($"breakdown: reading, validating and indexing alone {parse.TotalSeconds:N2} s (one core); ClickHouse storing the same events as Native blocks of {ReformMetrics.Ingest.EventIngestor.DefaultBatchRows:N0}, alone {insert.TotalSeconds:N2} s");
            return exact ? ReformCommand.Ok : ReformCommand.Failure;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>
    /// The many-files mode (`--dossiers N`): the generator's folder of N dossiers (one file per province and month, as
    /// `reform generate` and bench/scale.sh write it) loaded by `reform ingest FOLDER`, against ClickHouse's own
    /// <c>INSERT ... FORMAT CSVWithNames</c> of the same events as one file (the files joined under one header, before the
    /// rounds). What it measures beside the single-file mode: the fixed cost each file adds (status, plan, look-up, insert,
    /// done), which one file never pays more than once.
    /// </summary>
    /// <remarks>On the embedded store `reform ingest --store` joins the bench's engine, as an operator's command does (no
    /// compression on loopback, the store's ingest lock); on a server it gets --clickhouse. <paramref name="program"/> runs
    /// another build's reform for the load (hidden option --reform), to compare builds against the same baseline.</remarks>
    public static async Task<int> RunFolderAsync(
        CliHost cli, long dossiers, DateOnly from, DateOnly to, int rounds, int? parallel, string? program, CancellationToken cancellationToken)
    {
        var scratch = Directory.CreateTempSubdirectory("reform-bench-folder-").FullName;
        try
        {
            var folder = Path.Combine(scratch, "events");
            var generated = Verbs.GenerateVerb.Run(new ReformMetrics.Synthetic.GeneratorOptions(dossiers, from, to, 1, Path.Combine(scratch, "generated")), cancellationToken);
            Directory.CreateDirectory(folder);
            var files = generated.Result.Files.Where(f => Path.GetFileName(f).StartsWith("events-", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
            foreach (var file in files)
            {
                File.Move(Path.Combine(scratch, "generated", Path.GetFileName(file)), Path.Combine(folder, Path.GetFileName(file)));
            }

            var joined = Path.Combine(scratch, "all-events.csv");
            JoinCsv(files.Select(f => Path.Combine(folder, Path.GetFileName(f))).ToList(), joined);
            var events = generated.Result.Events;
            ConsoleUi.Info($"Đã sinh {dossiers:N0} hồ sơ, {events:N0} sự kiện trong {files.Count:N0} tệp ({new FileInfo(joined).Length / 1048576.0:N0} MB), "
                + $"từ {from:dd/MM/yyyy} đến {to:dd/MM/yyyy}, trong {generated.Seconds:N1} giây.");

            await using var store = new ClickHouseStore(
                Options.Create(new ClickHouseOptions { ConnectionString = cli.Store.ConnectionString, Database = Database }), NullLoggerFactory.Instance);
            await store.OpenAsync(null, cancellationToken);
            string[] target = cli.Store.Engine is { } engine ? ["--store", engine.Layout.Root] : ["--clickhouse", store.ConnectionString];
            // This build, and with --reform another one; each round loads with both, in turn first, into a fresh database.
            List<(string Name, ProgramCommand? Program, string[] Options)> loaders =
            [
                ("this build" + (parallel is { } p ? $", --parallel {p}" : string.Empty), null,
                    parallel is { } degree ? ["--parallel", degree.ToString(CultureInfo.InvariantCulture)] : []),
            ];
            if (program is not null)
            {
                loaders.Add((program, new ProgramCommand(program, []), []));
            }

            var baselines = new List<double>();
            var ingests = loaders.Select(_ => new List<double>()).ToList();
            var peaks = new long[loaders.Count];
            var exact = true;
            for (var round = 1; round <= rounds; round++)
            {
                await FreshDatabaseAsync(store, cancellationToken);
                var baseline = await BaselineAsync(store, joined, cancellationToken);
                await using (var check = store.CreateConnection())
                {
                    exact &= await check.ExecuteScalarAsync<ulong>("SELECT count() FROM csv_baseline") == (ulong)events;
                }

                baselines.Add(baseline.TotalSeconds);
                var line = $"round {round}: CSV insert of one file {baseline.TotalSeconds:N2} s";
                for (var turn = 0; turn < loaders.Count; turn++)
                {
                    var which = (turn + round - 1) % loaders.Count;
                    var (name, command, options) = loaders[which];
                    await FreshDatabaseAsync(store, cancellationToken);
                    await QuietAsync(store, cancellationToken);
                    var (ingest, peak, exitCode) = await ReformIngestAsync(target, folder, command, options, cancellationToken);
                    await using var check = store.CreateConnection();
                    var loaded = await check.ExecuteScalarAsync<ulong>("SELECT count() FROM events");
                    exact &= loaded == (ulong)events && exitCode == 0;
                    ingests[which].Add(ingest.TotalSeconds);
                    peaks[which] = Math.Max(peaks[which], peak);
                    line += $"; reform ingest of {files.Count:N0} files ({name}) {ingest.TotalSeconds:N2} s ({loaded:N0} rows, exit {exitCode}, peak {peak / 1024.0:N0} MB), ratio {baseline.TotalSeconds / ingest.TotalSeconds:N2}";
                }

                ConsoleUi.Out.WriteLine(line);
            }

            var baseRate = events / Median(baselines);
            ConsoleUi.Out.WriteLine($"ClickHouse INSERT ... FORMAT CSVWithNames of the {events:N0} events as one file, median of {rounds}: {Median(baselines):N2} s, {baseRate:N0} rows/s");
            for (var which = 0; which < loaders.Count; which++)
            {
                var median = Median(ingests[which]);
                ConsoleUi.Out.WriteLine($"reform ingest of the folder ({files.Count:N0} files, {loaders[which].Name}), median of {rounds}: {median:N2} s, {events / median:N0} rows/s, {median * 1000 / files.Count:N1} ms a file");
                ConsoleUi.Out.WriteLine($"  ratio to ClickHouse's CSV insert of one file (median rates): {events / median / baseRate:N2} (target ≥ 0,80); peak RSS of reform ingest {peaks[which] / 1024.0:N0} MB (target ≤ 500 MB)");
            }

            return exact ? ReformCommand.Ok : ReformCommand.Failure;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>CSV files with the same header, joined into one under a single header line.</summary>
    private static void JoinCsv(List<string> files, string target)
    {
        using var output = File.Create(target);
        for (var i = 0; i < files.Count; i++)
        {
            using var input = File.OpenRead(files[i]);
            if (i > 0)
            {
                // Skip the header line of every file but the first.
                int b;
                while ((b = input.ReadByte()) is not -1 and not '\n')
                {
                }
            }

            input.CopyTo(output);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>Waits (at most 2 minutes) until no merge runs in the benchmark's database.</summary>
    private static async Task QuietAsync(ClickHouseStore store, CancellationToken cancellationToken)
    {
        await using var connection = store.CreateServerConnection();
        for (var i = 0; i < 1200; i++)
        {
            if (await connection.ExecuteScalarAsync<ulong>(
                $"SELECT count() FROM system.merges WHERE database = '{Database}'") == 0)
            {
                return;
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task FreshDatabaseAsync(ClickHouseStore store, CancellationToken cancellationToken)
    {
        await using (var connection = store.CreateServerConnection())
        {
            await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {Database} SYNC");
        }

        await new MigrationRunner(store, NullLogger<MigrationRunner>.Instance).RunAsync(Migration.LoadEmbedded(), cancellationToken);
        await using (var connection = store.CreateConnection())
        {
            await connection.ExecuteAsync("CREATE TABLE csv_baseline AS events");
        }
    }

    private static async Task<TimeSpan> BaselineAsync(ClickHouseStore store, string file, CancellationToken cancellationToken)
    {
        var options = new QueryOptions
        {
            CustomSettings = new Dictionary<string, object> { ["async_insert"] = 0, ["date_time_input_format"] = "best_effort" },
        };
        var stopwatch = Stopwatch.StartNew();
        await using var stream = File.OpenRead(file);
        using var response = await store.Client.InsertRawStreamAsync(
            "csv_baseline", stream, "CSVWithNames", EventFields.Names, useCompression: false, options, cancellationToken);
        return stopwatch.Elapsed;
    }

    /// <summary>Where the time goes: the C# side (read, validate, index, write blocks) and the ClickHouse side (store the same events as the
    /// loader's Native blocks of one batch each), each alone.</summary>
    private static async Task<(TimeSpan Parse, TimeSpan Insert)> BreakdownAsync(ClickHouseStore store, string file, CancellationToken cancellationToken)
    {
        var reference = await ReformMetrics.Ingest.Validation.IngestReference.LoadAsync(store, cancellationToken);
        var validator = new ReformMetrics.Ingest.Validation.EventValidator(reference, TimeProvider.System);
        var blocks = Path.Combine(Path.GetDirectoryName(file)!, "bench-events.native");
        var writer = new ReformMetrics.Ingest.Loading.NativeBlockWriter();
        var sink = new ReformMetrics.Ingest.Reading.EventSink(new ReformMetrics.Ingest.Loading.EventColumns());
        var all = Enumerable.Range(0, ReformMetrics.Ingest.EventIngestor.DefaultBatchRows).ToArray();
        var stopwatch = Stopwatch.StartNew();
        await using (var output = File.Create(blocks))
        await using (var input = File.OpenRead(file))
        {
            foreach (var _ in ReformMetrics.Ingest.Reading.EventSource.ReadInto(
                input, ReformMetrics.Ingest.Reading.SourceFormat.Csv, validator, sink, cancellationToken))
            {
                if (sink.Columns.Count == ReformMetrics.Ingest.EventIngestor.DefaultBatchRows)
                {
                    await FlushAsync();
                }
            }

            if (sink.Columns.Count > 0)
            {
                await FlushAsync();
            }

            async Task FlushAsync()
            {
                var count = sink.Columns.Count;
                ReformMetrics.Ingest.Loading.EventLoader.Index(new ReformMetrics.Ingest.Loading.IngestBatch("bench", "bench", 0, 1, count, sink.Columns, []));
                writer.Write(sink.Columns, all.AsSpan(0, count), "bench", "bench");
                await output.WriteAsync(writer.Written, cancellationToken);
                sink.Columns.Clear();
            }
        }

        var parse = stopwatch.Elapsed;
        await using (var connection = store.CreateConnection())
        {
            await connection.ExecuteAsync("CREATE TABLE insert_only AS events");
        }

        stopwatch.Restart();
        await using (var stream = File.OpenRead(blocks))
        {
            var options = new QueryOptions { CustomSettings = new Dictionary<string, object> { ["async_insert"] = 0 } };
            using var response = await store.Client.InsertRawStreamAsync(
                "insert_only", stream, "Native", ReformMetrics.Ingest.Loading.NativeBlockWriter.Columns, useCompression: false, options, cancellationToken);
        }

        return (parse, stopwatch.Elapsed);
    }

    /// <summary>Runs `reform ingest` as users do, in its own process, sampling its peak resident memory.</summary>
    private static Task<(TimeSpan Elapsed, long PeakKb, int ExitCode)> ReformIngestAsync(string connectionString, string path, CancellationToken cancellationToken) =>
        ReformIngestAsync(["--clickhouse", connectionString], path, null, [], cancellationToken);

    /// <summary>Runs `reform ingest` (of <paramref name="program"/>, by default this build) against <paramref name="target"/>
    /// (--store or --clickhouse and its value) as users do, in its own process, sampling its peak resident memory.</summary>
    private static async Task<(TimeSpan Elapsed, long PeakKb, int ExitCode)> ReformIngestAsync(
        string[] target, string path, ProgramCommand? program, string[] options, CancellationToken cancellationToken)
    {
        var command = program ?? ReformProgram.Resolve();
        var start = new ProcessStartInfo(command.FileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in command.PrefixArguments.Concat([.. target, "ingest", path, "--no-refresh", .. options]))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["REFORM_ClickHouse__Database"] = Database;
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("reform ingest did not start");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        long peak = 0;
        while (!process.HasExited)
        {
            peak = Math.Max(peak, PeakRssKb(process.Id));
            await Task.Delay(50, cancellationToken);
        }

        await process.WaitForExitAsync(cancellationToken);
        var elapsed = stopwatch.Elapsed;
        if (process.ExitCode != 0)
        {
            ConsoleUi.Fail($"reform ingest: {await output}{await errors}");
        }

        return (elapsed, peak, process.ExitCode);
    }

    private static long PeakRssKb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
