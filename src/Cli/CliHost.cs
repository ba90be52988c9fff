using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using ReformMetrics.Ingest;
using ReformMetrics.Dashboard;
using ReformMetrics.Metrics;
using ReformMetrics.Reports;
using ReformMetrics.Store;

namespace ReformMetrics.Cli;

/// <summary>The services a verb runs with: configuration from reform.json, REFORM_* variables and the global
/// options (in rising precedence), logging to stderr, and the store, opened with a progress display.</summary>
internal sealed class CliHost : IAsyncDisposable
{
    private bool _disposed;

    private readonly IHost _host;

    private CliHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public ClickHouseStore Store => Services.GetRequiredService<ClickHouseStore>();

    /// <summary>Starts the services; <paramref name="settings"/> are a verb's own configuration (its options), above all else.</summary>
    public static async Task<CliHost> StartAsync(
        ParseResult parse, CancellationToken cancellationToken, bool openStore = true, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        Configure(builder, parse, LogLevel.Warning);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        var host = builder.Build();
        var cli = new CliHost(host);
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            if (openStore)
            {
                await ConsoleUi.WithStatusAsync(
                    "Đang mở kho dữ liệu",
                    progress => cli.Store.OpenAsync(progress, cancellationToken)).ConfigureAwait(false);
            }

            return cli;
        }
        catch
        {
            await cli.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Configuration, logging and the store, for the verbs and for `reform serve`.</summary>
    public static void Configure(IHostApplicationBuilder builder, ParseResult parse, LogLevel minimum)
    {
        builder.Configuration.AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "reform.json"), optional: true);
        builder.Configuration.AddEnvironmentVariables("REFORM_");
        builder.Configuration.AddInMemoryCollection(Overrides(parse));
        var verbose = parse.GetValue(GlobalOptions.Verbose);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        // Logs go to stderr so that stdout carries only results (reform sql --format CSV > file).
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(verbose ? LogLevel.Debug : minimum);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", verbose ? LogLevel.Information : LogLevel.Warning);
        // The driver logs every failed query with its stack and the host logs start-up failures; the verb
        // reports the failure itself, once, in Vietnamese.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", verbose ? LogLevel.Debug : LogLevel.None);
        builder.Logging.AddFilter("ClickHouse.Driver", verbose ? LogLevel.Debug : LogLevel.None);
        builder.Services.AddClickHouseStore(builder.Configuration);
        builder.Services.AddIngest();
        builder.Services.AddKpi();
        builder.Services.AddReports();
        builder.Services.AddDashboardUsers(builder.Configuration);
    }

    public async ValueTask DisposeAsync()
    {
        // The demo disposes its host before serving, and again at the end of its scope.
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await Store.DisposeAsync().ConfigureAwait(false);
        await _host.StopAsync().ConfigureAwait(false);
        _host.Dispose();
    }

    private static Dictionary<string, string?> Overrides(ParseResult parse)
    {
        var overrides = new Dictionary<string, string?>();
        // REFORM_CLICKHOUSE is the documented short name (design.md); REFORM_ClickHouse__ConnectionString also works.
        if (Environment.GetEnvironmentVariable("REFORM_CLICKHOUSE") is { Length: > 0 } fromEnvironment)
        {
            overrides[$"{ClickHouseOptions.SectionName}:{nameof(ClickHouseOptions.ConnectionString)}"] = fromEnvironment;
        }

        if (Environment.GetEnvironmentVariable(ClickHouseOptions.AnalystEnvironmentVariable) is { Length: > 0 } analyst)
        {
            overrides[$"{ClickHouseOptions.SectionName}:{nameof(ClickHouseOptions.AnalystConnectionString)}"] = analyst;
        }

        if (parse.GetValue(GlobalOptions.ClickHouse) is { Length: > 0 } connectionString)
        {
            overrides[$"{ClickHouseOptions.SectionName}:{nameof(ClickHouseOptions.ConnectionString)}"] = connectionString;
        }

        if (parse.GetValue(GlobalOptions.Store) is { Length: > 0 } store)
        {
            overrides[$"{ClickHouseOptions.SectionName}:{nameof(ClickHouseOptions.StoreDirectory)}"] = store;
        }

        return overrides;
    }
}
