using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReformMetrics.Dashboard.Users;
using ReformMetrics.Metrics;
using ReformMetrics.Reports;
using ReformMetrics.Store;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Dashboard.Tests;

/// <summary>
/// The dashboard as `reform serve` composes it (AddKpi, AddDashboard, MapDashboard) on an in-memory test server over
/// the hand-made scenario in a real ClickHouse, with one user and one API token per role.
/// </summary>
public sealed class DashboardServer(TestEngine engine) : IAsyncLifetime
{
    public const string Password = "mat-khau-thu-nghiem";

    private readonly Scenario _scenario = new(engine);

    /// <summary>The server over a database of a given name (see <see cref="AnalystDashboardServer"/>).</summary>
    internal DashboardServer(TestEngine engine, string database)
        : this(engine) => _scenario = Scenario.InDatabase(engine, database);
    private readonly Dictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private WebApplication? _app;

    public static readonly (string User, Role Role, string? Province)[] Users =
    [
        ("quocgia", Role.National, null), ("tayninh", Role.Province, "80"), ("baocao", Role.Reporter, "80"),
        ("phantich", Role.Analyst, null), ("quantri", Role.Admin, null),
    ];

    public ClickHouseStore Store => _scenario.Database.Store;

    public TestEngine Engine => engine;

    /// <summary>The reports folder of this server (Reports:Directory).</summary>
    public string ReportsDirectory { get; } = Directory.CreateTempSubdirectory("reform-dashboard-reports-").FullName;

    public IServiceProvider Services => (_app ?? throw new InvalidOperationException("not started")).Services;

    public async ValueTask InitializeAsync()
    {
        await _scenario.InitializeAsync();
        _app = await StartAsync(Store, ReportsDirectory);
        var users = _app.Services.GetRequiredService<UserStore>();
        foreach (var (name, role, province) in Users)
        {
            await users.SaveAsync(name, role, province, Password, TestContext.Current.CancellationToken);
            _tokens[name] = await users.CreateTokenAsync(name, "tests", TestContext.Current.CancellationToken);
        }
    }

    /// <summary>A client without credentials (cookies are not kept: tests carry them by hand).</summary>
    public HttpClient Anonymous() => (_app ?? throw new InvalidOperationException("not started")).GetTestClient();

    /// <summary>A client sending the user's API token as a Bearer header.</summary>
    public HttpClient As(string user)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _tokens[user]);
        return client;
    }

    /// <summary>The Data Protection keys of the test servers that do not ask for their own (never the home directory).</summary>
    public static string KeysDirectory { get; } = Path.Combine(Path.GetTempPath(), $"reform-dashboard-keys-{Environment.ProcessId}");

    public static async Task<WebApplication> StartAsync(ClickHouseStore store, string? reports = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (reports is not null)
        {
            builder.Configuration["Reports:Directory"] = reports;
        }

        builder.Configuration["Dashboard:KeysDirectory"] = KeysDirectory;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.Configuration[key] = value;
        }

        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(store);
        builder.Services.AddKpi();
        builder.Services.AddReports();
        builder.Services.AddDashboard(builder.Configuration);
        var app = builder.Build();
        app.MapDashboard();
        try
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            await app.DisposeAsync(); // options refused on start
            throw;
        }

        return app;
    }

    /// <summary>A store whose server does not answer (nothing listens on its port).</summary>
    public static async Task<ClickHouseStore> UnreachableStoreAsync()
    {
        var options = Options.Create(new ClickHouseOptions { ConnectionString = "Host=127.0.0.1;Port=9;Protocol=http;Username=default", QueryTimeoutSeconds = 5 });
        var store = new ClickHouseStore(options, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        await store.OpenAsync(null, TestContext.Current.CancellationToken);
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await _scenario.DisposeAsync();
        Directory.Delete(ReportsDirectory, recursive: true);
    }
}

/// <summary>
/// The dashboard over the scenario in the one database whose views the analyst user may read (TestEngine.AnalystDatabase),
/// for the SQL page, which runs as that user. Only this fixture writes to that database.
/// </summary>
public sealed class AnalystDashboardServer(TestEngine engine) : IAsyncLifetime
{
    public DashboardServer Server { get; } = new(engine, TestEngine.AnalystDatabase);

    public ValueTask InitializeAsync() => Server.InitializeAsync();

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
