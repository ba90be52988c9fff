using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Dashboard.Tests;

/// <summary>`reform serve` as an operator starts it: the address it binds, HTTPS with a configured certificate, and where
/// the cookie keys go. The listening sockets are read from /proc/net, whatever the machine's interfaces.</summary>
public sealed class ServeTests(DashboardServer server) : IClassFixture<DashboardServer>
{
    [Theory]
    [InlineData(null, "0100007F")]
    [InlineData("0.0.0.0", "00000000")]
    public async Task Serve_binds_the_loopback_address_unless_told_otherwise(string? listen, string expected)
    {
        var store = Directory.CreateTempSubdirectory("reform-serve-").FullName;
        var port = FreePort();
        using var serve = Start(store, port, listen is null ? [] : ["--listen", listen], new Dictionary<string, string?>());
        try
        {
            using var client = new HttpClient();
            using var health = await WaitForAsync(client, new Uri($"http://127.0.0.1:{port}/healthz"), serve);
            using var login = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/dang-nhap"), TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            Assert.Equal([expected], Listeners(port));
            var keys = Path.Combine(store, "keys");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(keys));
            Assert.All(Directory.GetFiles(keys), f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
            Assert.NotEmpty(Directory.GetFiles(keys));
        }
        finally
        {
            await StopAsync(serve);
            Directory.Delete(store, recursive: true);
        }
    }

    [Fact]
    public async Task With_a_certificate_serve_answers_https_only_sends_hsts_and_encrypts_its_keys()
    {
        var store = Directory.CreateTempSubdirectory("reform-serve-").FullName;
        using var certificate = TestCertificate.Write(store);
        var port = FreePort();
        using var serve = Start(store, port, [], new Dictionary<string, string?>
        {
            ["REFORM_Server__Certificate__Path"] = certificate.CertificatePath, ["REFORM_Server__Certificate__KeyPath"] = certificate.KeyPath,
        });
        try
        {
            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Certificate.Thumbprint };
            using var client = new HttpClient(handler);
            using var health = await WaitForAsync(client, new Uri($"https://127.0.0.1:{port}/healthz"), serve);
            using var request = new HttpRequestMessage(HttpMethod.Get, $"https://127.0.0.1:{port}/dang-nhap");
            request.Headers.Host = "reform.example";
            using var login = await client.SendAsync(request, TestContext.Current.CancellationToken);
            using var plain = new HttpClient();
            var http = await Record.ExceptionAsync(() => plain.GetAsync(new Uri($"http://127.0.0.1:{port}/healthz"), TestContext.Current.CancellationToken));

            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            Assert.True(login.Headers.Contains("Strict-Transport-Security"));
            Assert.All(login.Headers.GetValues("Set-Cookie"), c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
            Assert.IsType<HttpRequestException>(http);
            var key = await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(Path.Combine(store, "keys"))), TestContext.Current.CancellationToken);
            Assert.Contains("EncryptedData", key, StringComparison.Ordinal);
        }
        finally
        {
            await StopAsync(serve);
            Directory.Delete(store, recursive: true);
        }
    }

    [Theory]
    [InlineData(new[] { "--listen", "mọi-nơi" }, "--listen")]
    [InlineData(new[] { "--listen", "127.0.0.1", "--port", "0" }, "--port")]
    public async Task A_bad_address_or_port_is_refused_before_anything_starts(string[] arguments, string named)
    {
        var result = await ReformProcess.RunAsync(["--clickhouse", server.Engine.ConnectionString, "serve", .. arguments]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(named, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_that_does_not_exist_is_refused_naming_the_setting()
    {
        var store = Directory.CreateTempSubdirectory("reform-serve-").FullName;
        var result = await ReformProcess.RunAsync(
            ["--clickhouse", server.Engine.ConnectionString, "--store", store, "serve", "--port", FreePort().ToString(CultureInfo.InvariantCulture)],
            new Dictionary<string, string?> { ["REFORM_Server__Certificate__Path"] = "/khong/co/tep.pem", ["REFORM_ClickHouse__Database"] = server.Store.Database });
        Directory.Delete(store, recursive: true);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Server:Certificate:Path", result.StandardError, StringComparison.Ordinal);
    }

    private Process Start(string store, int port, string[] arguments, Dictionary<string, string?> environment)
    {
        environment["REFORM_ClickHouse__Database"] = server.Store.Database;
        return ReformProcess.Start(
            ["--clickhouse", server.Engine.ConnectionString, "--store", store, "serve", "--port", port.ToString(CultureInfo.InvariantCulture), .. arguments], environment);
    }

    private static async Task<HttpResponseMessage> WaitForAsync(HttpClient client, Uri uri, Process serve)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            try
            {
                return await client.GetAsync(uri, TestContext.Current.CancellationToken);
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !serve.HasExited)
            {
                await Task.Delay(200, TestContext.Current.CancellationToken);
            }
            catch (HttpRequestException) when (serve.HasExited)
            {
                Assert.Fail($"reform serve ended with {serve.ExitCode}: {await serve.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken)}");
            }
        }
    }

    private static async Task StopAsync(Process serve)
    {
        if (!serve.HasExited)
        {
            serve.Kill(entireProcessTree: true);
        }

        await serve.WaitForExitAsync(TestContext.Current.CancellationToken);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The local addresses (hex, as /proc/net/tcp{,6} print them) of the sockets listening on a port.</summary>
    private static List<string> Listeners(int port)
    {
        var suffix = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        return new[] { "/proc/net/tcp", "/proc/net/tcp6" }
            .SelectMany(File.ReadLines)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 3 && f[1].EndsWith(suffix, StringComparison.Ordinal) && f[3] == "0A")
            .Select(f => f[1][..^suffix.Length])
            .ToList();
    }
}
