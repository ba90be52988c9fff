using System.Globalization;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Cli.Tests.Campaigns;

/// <summary>
/// A database of the test engine with a little generated data (1.500 dossiers of every province since January last
/// year, loaded by `reform ingest`), shared by the campaign tests: a campaign finds data there and does not run the demo.
/// Each campaign keeps its own accounts, source and events apart by a random tag, so the tests may run at the same time.
/// An assembly fixture that loads the data on first use, so that runs of other tests do not pay for it.
/// </summary>
public sealed class CampaignData : IAsyncLifetime
{
    private readonly TestEngine _engine = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _loaded;
    private bool _engineOpen;

    public string Database { get; } = $"camp_{Guid.NewGuid():N}"[..21];

    public string ConnectionString => _engine.ConnectionString;

    /// <summary>The database for `reform` run as a child.</summary>
    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?> { ["REFORM_ClickHouse__Database"] = Database };

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    /// <summary>Loads the data the first time a test asks for it.</summary>
    public async Task EnsureLoadedAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (!_loaded)
            {
                await _engine.InitializeAsync();
                _engineOpen = true;
                await LoadAsync();
                _loaded = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task LoadAsync()
    {
        var files = Directory.CreateTempSubdirectory("reform-campaign-data-").FullName;
        try
        {
            var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var year = (DateTime.UtcNow.Year - 1).ToString(CultureInfo.InvariantCulture);
            await Expect(["--clickhouse", ConnectionString, "migrate"]);
            await Expect(["generate", "--dossiers", "1500", "--from", $"{year}-01-01", "--to", today, "--out", files]);
            await Expect(["--clickhouse", ConnectionString, "ingest", files]);
        }
        finally
        {
            Directory.Delete(files, recursive: true);
        }
    }

    /// <summary>Runs `reform ARGS` against this database with a scratch store directory for its files.</summary>
    public async Task<ReformProcess.Result> ReformAsync(string[] arguments, TimeSpan timeout)
    {
        await EnsureLoadedAsync();
        var store = Directory.CreateTempSubdirectory("reform-campaign-store-").FullName;
        try
        {
            return await ReformProcess.RunAsync(["--clickhouse", ConnectionString, "--store", store, .. arguments], Environment, timeout);
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_engineOpen)
        {
            await ReformProcess.RunAsync(["--clickhouse", ConnectionString, "sql", "--write", $"DROP DATABASE IF EXISTS {Database}"]);
            await _engine.DisposeAsync();
        }

        _gate.Dispose();
    }

    private async Task Expect(string[] arguments)
    {
        var result = await ReformProcess.RunAsync(arguments, Environment, TimeSpan.FromMinutes(5));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"reform {string.Join(' ', arguments)}: {result.StandardError}");
        }
    }
}
