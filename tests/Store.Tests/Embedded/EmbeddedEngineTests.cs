using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Store.Embedded;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Store.Tests.Embedded;

/// <summary>Engines of their own, each on a fresh store directory, to watch them start, stop and die.</summary>
public sealed class EmbeddedEngineTests : IDisposable
{
    private static readonly TimeSpan GoneWithin = TimeSpan.FromSeconds(10);
    private readonly StoreLayout _layout = StoreLayout.For(Directory.CreateTempSubdirectory("reform-engine-").FullName);

    public void Dispose() => Directory.Delete(_layout.Root, recursive: true);

    [Fact]
    public async Task Starts_answers_with_ClickHouse_26_7_and_stops_when_released()
    {
        var engine = await AttachAsync();
        var pid = engine.State.Pid;

        Assert.True(engine.StartedHere);
        Assert.StartsWith("26.7.", await QueryAsync(engine, "SELECT version()"), StringComparison.Ordinal);
        Assert.False(FileLock.IsFree(_layout.EngineLock));

        await engine.DisposeAsync();

        Assert.True(await ReformProcess.WaitUntilGoneAsync(pid, GoneWithin));
        Assert.True(FileLock.IsFree(_layout.EngineLock));
        Assert.False(File.Exists(_layout.StateFile));
        var log = await File.ReadAllTextAsync(_layout.LogFile, TestContext.Current.CancellationToken);
        Assert.True(log.Contains("Engine stopped cleanly", StringComparison.Ordinal), log);
    }

    [Fact]
    public async Task A_second_holder_joins_the_running_engine_which_outlives_the_first()
    {
        var first = await AttachAsync();
        var second = await AttachAsync();

        Assert.False(second.StartedHere);
        Assert.Equal(first.State.Pid, second.State.Pid);

        await first.DisposeAsync();
        Assert.Equal("1", await QueryAsync(second, "SELECT 1"));

        var pid = second.State.Pid;
        await second.DisposeAsync();
        Assert.True(await ReformProcess.WaitUntilGoneAsync(pid, GoneWithin));
    }

    [Fact]
    public async Task The_engine_process_is_reform_engine_beside_the_caller()
    {
        await using var engine = await AttachAsync();

        var commandLine = (await File.ReadAllTextAsync($"/proc/{engine.State.Pid}/cmdline", TestContext.Current.CancellationToken))
            .Split('\0', StringSplitOptions.RemoveEmptyEntries);

        // Its application host, or its dll under the dotnet host: either way the name `ps` shows, from the tests' directory.
        var program = Assert.Single(commandLine, a => Path.GetFileName(a) is "reform-engine" or "reform-engine.dll");
        Assert.Equal(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory), Path.GetDirectoryName(program));
        Assert.Equal(["--store", _layout.Root], commandLine.SkipWhile(a => a != "--store").Take(2));
    }

    [Fact]
    public async Task Data_survives_a_restart()
    {
        await using (var engine = await AttachAsync())
        {
            await QueryAsync(engine, "CREATE DATABASE IF NOT EXISTS keep");
            await QueryAsync(engine, "CREATE TABLE keep.t (id UInt32, name String) ENGINE = MergeTree ORDER BY id");
            await QueryAsync(engine, "INSERT INTO keep.t VALUES (1, 'Hà Giang'), (2, 'Tuyên Quang')");
        }

        await using var restarted = await AttachAsync();
        Assert.True(restarted.StartedHere);
        Assert.Equal("Hà Giang,Tuyên Quang", await QueryAsync(restarted, "SELECT arrayStringConcat(groupArray(name), ',') FROM (SELECT name FROM keep.t ORDER BY id)"));
    }

    [Fact]
    public async Task A_second_engine_host_on_the_same_directory_refuses_to_start()
    {
        await using var engine = await AttachAsync();
        var library = await NewCache().EnsureAsync(null, TestContext.Current.CancellationToken);

        var result = await ReformProcess.RunAsync(
            new EngineHostArguments(_layout.Root, 1, library, "second", "reform").ToList(), program: EngineHostCommand.Resolve());

        Assert.Equal(EngineHost.ExitAlreadyRunning, result.ExitCode);
        Assert.Contains("Another engine already serves", await File.ReadAllTextAsync(_layout.LogFile, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal("1", await QueryAsync(engine, "SELECT 1"));
    }

    [Fact]
    public async Task SIGTERM_to_the_engine_stops_it_cleanly()
    {
        var engine = await AttachAsync();
        var pid = engine.State.Pid;

        Process.Start("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]).WaitForExit();

        Assert.True(await ReformProcess.WaitUntilGoneAsync(pid, GoneWithin));
        Assert.Contains("Engine stopping: signal", await File.ReadAllTextAsync(_layout.LogFile, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Contains("Engine stopped cleanly", await File.ReadAllTextAsync(_layout.LogFile, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        await engine.DisposeAsync();
    }

    [Fact]
    public async Task A_long_running_host_starts_a_killed_engine_again_with_its_data()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var store = new ClickHouseStore(
            Microsoft.Extensions.Options.Options.Create(new ClickHouseOptions { StoreDirectory = _layout.Root }), NullLoggerFactory.Instance);
        using var lifetime = new StoreLifetime(store, NullLogger<StoreLifetime>.Instance);
        await lifetime.StartAsync(cancellationToken);
        try
        {
            await using (var connection = store.CreateServerConnection())
            {
                await Dapper.SqlMapper.ExecuteAsync(connection, "CREATE DATABASE kept");
                await Dapper.SqlMapper.ExecuteAsync(connection, "CREATE TABLE kept.t (a UInt8) ENGINE = MergeTree ORDER BY a");
                await Dapper.SqlMapper.ExecuteAsync(connection, "INSERT INTO kept.t VALUES (1), (2), (3)");
            }

            var killed = store.Engine!.State.Pid;
            Process.Start("kill", ["-KILL", killed.ToString(System.Globalization.CultureInfo.InvariantCulture)]).WaitForExit();
            Assert.True(await ReformProcess.WaitUntilGoneAsync(killed, GoneWithin));

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (!await store.PingAsync(cancellationToken) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, cancellationToken);
            }

            Assert.NotEqual(killed, store.Engine!.State.Pid);
            await using var again = store.CreateServerConnection();
            Assert.Equal(3UL, await Dapper.SqlMapper.ExecuteScalarAsync<ulong>(again, "SELECT count() FROM kept.t"));
        }
        finally
        {
            await lifetime.StopAsync(CancellationToken.None);
        }
    }

    private static EngineCache NewCache() => new(EngineCache.DefaultRoot(), NullLogger.Instance);

    private Task<EmbeddedEngine> AttachAsync() => EmbeddedEngine.AttachAsync(
        _layout, NewCache(), EngineHostCommand.Resolve(), "reform", 0, NullLogger.Instance, null, TestContext.Current.CancellationToken);

    private static async Task<string> QueryAsync(EmbeddedEngine engine, string sql) =>
        (await EngineControl.QueryAsync(engine.State.HttpPort, sql, engine.Users, TestContext.Current.CancellationToken)).Trim();
}
