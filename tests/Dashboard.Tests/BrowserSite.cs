using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PuppeteerSharp;
using ReformMetrics.Dashboard.Users;
using ReformMetrics.Metrics;
using ReformMetrics.Reports;
using ReformMetrics.Store.Refresh;
using ReformMetrics.Synthetic;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Dashboard.Tests;

/// <summary>
/// The dashboard on a real Kestrel port over six months of generated data (July to December 2025, the 34 provinces),
/// with one user per role, and Debian's chromium driven by PuppeteerSharp. A missing browser fails the run: ./test
/// installs it.
/// </summary>
public sealed class BrowserSite(TestEngine engine) : IAsyncLifetime
{
    public const string Password = "mat-khau-trinh-duyet";

    public static readonly (string User, Role Role, string? Province)[] Users =
    [
        ("quocgia", Role.National, null), ("hanoi", Role.Province, "01"), ("baocao", Role.Reporter, "01"), ("phantich", Role.Analyst, null), ("quantri", Role.Admin, null),
    ];

    private readonly TestDatabase _database = new(engine);
    private readonly string _data = Directory.CreateTempSubdirectory("reform-browser-data-").FullName;
    private WebApplication? _app;
    private IBrowser? _browser;

    public string BaseUrl { get; private set; } = string.Empty;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("not started");

    /// <summary>Where screenshots go (TestResults/screenshots of the repository); docs/make-dashboard-images.sh copies the main ones.</summary>
    public static string Screenshots => Directory.CreateDirectory(Path.Combine(Repository.Root, "TestResults", "screenshots")).FullName;

    public async ValueTask InitializeAsync()
    {
        var cancel = TestContext.Current.CancellationToken;
        var chromium = Environment.GetEnvironmentVariable("REFORM_CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException($"No browser at {chromium}: ./test installs Debian's chromium (apt-get install chromium), or set REFORM_CHROMIUM.");
        }

        await _database.InitializeAsync();
        new DossierGenerator().Generate(new GeneratorOptions(20_000, new DateOnly(2025, 7, 1), new DateOnly(2025, 12, 31), 11, _data), null, cancel);
        await Ingestors.LoadFolderAsync(_database.Store, _data, cancel);
        await new DossierRefresher(_database.Store, NullLogger<DossierRefresher>.Instance).RefreshAsync(cancel);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["Dashboard:KeysDirectory"] = Path.Combine(_data, "keys");
        builder.Services.AddSingleton(_database.Store);
        builder.Services.AddKpi();
        builder.Services.AddReports();
        builder.Services.AddDashboard(builder.Configuration);
        _app = builder.Build();
        _app.MapDashboard();
        await _app.StartAsync(cancel);
        BaseUrl = _app.Urls.First();
        var users = _app.Services.GetRequiredService<UserStore>();
        foreach (var (name, role, province) in Users)
        {
            await users.SaveAsync(name, role, province, Password, cancel);
        }

        _browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            Headless = true, ExecutablePath = chromium, Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=vi-VN"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
            _browser.Dispose();
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await _database.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }
}
