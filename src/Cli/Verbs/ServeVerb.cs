using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReformMetrics.Ingest;
using ReformMetrics.Ingest.Inbox;
using ReformMetrics.Ingest.Intake;
using ReformMetrics.Metrics;
using ReformMetrics.Dashboard;
using ReformMetrics.Dashboard.Transport;
using ReformMetrics.Reports;
using ReformMetrics.Store;
using ReformMetrics.Store.Migrations;

namespace ReformMetrics.Cli.Verbs;

/// <summary>
/// `reform serve [--port P] [--listen ADDRESS]`: the long-running service: <c>GET /healthz</c>, the dashboard and its metrics API (<c>/api/kpi</c>,
/// <c>/api/rankings</c>, <c>/api/index766</c>, signed-in users only), <c>POST /api/events</c>, the inbox watcher and the report scheduler.
/// </summary>
internal static class ServeVerb
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Cổng (mặc định 8080)", DefaultValueFactory = _ => 8080 };
        var listen = new Option<string?>("--listen")
        {
            Description = "Địa chỉ lắng nghe (mặc định 127.0.0.1, hoặc Server:Listen); 0.0.0.0 hoặc :: để nhận kết nối từ máy khác",
        };
        var command = new Command("serve", "Chạy dịch vụ: bảng điều khiển, API, nhận sự kiện qua HTTP và thư mục inbox, kiểm tra sức khoẻ.") { port, listen };
        command.SetAction((parse, cancellationToken) => RunAsync(parse, parse.GetValue(port), parse.GetValue(listen), cancellationToken));
        return command;
    }

    /// <summary>Runs the service until cancelled, as configured (the last step of `reform demo`).</summary>
    public static Task<int> RunAsync(ParseResult parse, int listen, CancellationToken cancellationToken) => RunAsync(parse, listen, null, cancellationToken);

    /// <summary>Runs the service until cancelled. It binds <paramref name="address"/>, else Server:Listen (127.0.0.1 unless
    /// configured), over HTTPS when Server:Certificate is set.</summary>
    public static async Task<int> RunAsync(ParseResult parse, int listen, string? address, CancellationToken cancellationToken)
    {
        if (listen is < 1 or > 65535)
        {
            throw new UsageException($"--port phải từ 1 đến 65535, không phải {listen}.");
        }

        var builder = WebApplication.CreateSlimBuilder();
        CliHost.Configure(builder, parse, LogLevel.Information);
        if (address is not null)
        {
            builder.Configuration[$"{ServerOptions.SectionName}:{nameof(ServerOptions.Listen)}"] = address;
        }

        builder.Services.AddHostedService<StoreLifetime>(); // before the inbox watcher: hosted services start in order
        builder.Services.AddHostedService<SchemaCheck>(); // then: nothing runs on a schema behind this program's migrations
        builder.Services.AddInboxWatcher(builder.Configuration);
        builder.Services.AddReportScheduler(builder.Configuration);
        builder.Services.AddRollupMirrorFollower();
        string url;
        try
        {
            builder.Services.AddDashboard(builder.Configuration);
            url = builder.WebHost.ListenAsConfigured(builder.Services.AddServerTransport(builder.Configuration), listen);
        }
        catch (ServerConfigurationException ex)
        {
            throw new UsageException(ex.Message);
        }

        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = EventIntakeApi.DefaultMaxBodyBytes + 1);

        await using var app = builder.Build();
        app.MapGet("/healthz", async (ClickHouseStore store, CancellationToken token) =>
                await store.PingAsync(token) ? Results.Text("ok") : Results.Text("ClickHouse không trả lời", statusCode: StatusCodes.Status503ServiceUnavailable))
            .WithName("Health");
        app.MapDashboard();
        app.MapEventIntake();
        await app.StartAsync(cancellationToken);
        var inbox = app.Services.GetRequiredService<InboxWatcher>().Directory;
        ConsoleUi.Success($"ReformMetrics đang chạy: bảng điều khiển {url}/, GET /healthz, /api/kpi, /api/rankings, /api/index766, POST /api/events, thư mục inbox {inbox}");
        ConsoleUi.Info("Nhấn Ctrl+C để dừng.");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        await app.StopAsync(CancellationToken.None);
        return ReformCommand.Ok;
    }
}
