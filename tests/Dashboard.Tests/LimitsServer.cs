using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Dashboard.Users;
using ReformMetrics.Store;
using ReformMetrics.Store.Refresh;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Dashboard.Tests;

/// <summary>
/// The hand-made scenario plus one dossier of Hà Nội (01) in April 2025, resolved early online and rated very satisfied,
/// so that two provinces of the 2025 geography are ranked; dashboards over it are started with the limits a test needs.
/// One user and one API token per role, as in <see cref="DashboardServer"/>.
/// </summary>
public sealed class LimitsServer(TestEngine engine) : IAsyncLifetime
{
    private readonly Scenario _scenario = new(engine);
    private readonly Dictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private readonly List<WebApplication> _apps = [];

    public ClickHouseStore Store => _scenario.Database.Store;

    public TestEngine Engine => engine;

    /// <summary>A dashboard with the default limits.</summary>
    public WebApplication Default => _apps[0];

    public async ValueTask InitializeAsync()
    {
        var cancel = TestContext.Current.CancellationToken;
        await _scenario.InitializeAsync();
        await EventWriter.WriteAsync(Store, "HN1",
        [
            new Ev("received", "2025-04-10 09:00", "01", Channel: "online", Due: "2025-04-15 17:00"), new Ev("paid_online", "2025-04-10 09:30"),
            new Ev("resolved", "2025-04-11 09:00"), new Ev("returned", "2025-04-11 10:00", Channel: "online"), new Ev("rated", "2025-04-12 09:00", Rating: "very_satisfied"),
        ]);
        await new DossierRefresher(Store, NullLogger<DossierRefresher>.Instance).RefreshAsync(cancel);
        var app = await StartAsync();
        var users = app.Services.GetRequiredService<UserStore>();
        foreach (var (name, role, province) in DashboardServer.Users)
        {
            await users.SaveAsync(name, role, province, DashboardServer.Password, cancel);
            _tokens[name] = await users.CreateTokenAsync(name, "tests", cancel);
        }
    }

    /// <summary>Another dashboard over the same store (users and tokens included) with the given settings.</summary>
    public async Task<WebApplication> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var app = await DashboardServer.StartAsync(Store, settings: settings);
        _apps.Add(app);
        return app;
    }

    /// <summary>A client of <paramref name="app"/> sending the user's API token.</summary>
    public HttpClient As(WebApplication app, string user)
    {
        var client = app.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _tokens[user]);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        await _scenario.DisposeAsync();
    }
}
