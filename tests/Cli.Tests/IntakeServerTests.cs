using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Dapper;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Cli.Tests;

/// <summary>`reform serve` as a hostile source meets it: the real process, its peak memory, its answers.</summary>
public sealed class IntakeServerTests(TestEngine engine) : IAsyncLifetime
{
    private const string Header = "event_id,dossier_id,event_type,occurred_at,province_code,level,agency_code,sector_code,procedure_code,channel,online_enabled,due_at,outcome,rating,reason";
    private readonly string _database = $"cli_{Guid.NewGuid():N}"[..16];
    private readonly string _store = Directory.CreateTempSubdirectory("reform-cli-serve-").FullName;

    private Dictionary<string, string?> Environment => new() { ["REFORM_ClickHouse__Database"] = _database };

    public async ValueTask InitializeAsync()
    {
        var migrate = await ReformProcess.RunAsync(["--clickhouse", engine.ConnectionString, "migrate"], Environment);
        Assert.True(migrate.ExitCode == 0, migrate.StandardError);
    }

    public async ValueTask DisposeAsync()
    {
        await ReformProcess.RunAsync(["--clickhouse", engine.ConnectionString, "sql", "--write", $"DROP DATABASE IF EXISTS {_database}"]);
        Directory.Delete(_store, recursive: true);
    }

    [Fact]
    public async Task A_260_KB_gzip_body_holding_one_256_MB_line_gets_that_row_rejected_the_others_loaded_and_the_server_stays_under_600_MB()
    {
        var key = await AddSourceAsync("tinh-80", "80");
        using var body = new MemoryStream();
        await using (var gzip = new GZipStream(body, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(
                """{"event_id":"RSS-r","dossier_id":"RSS1","event_type":"received","occurred_at":"2025-08-04T09:00:00+07:00","province_code":"80","level":"commune","agency_code":"A","sector_code":"HOTICH","procedure_code":"DEMO.HT.001","channel":"online","online_enabled":true}""" + "\n"),
                TestContext.Current.CancellationToken);
            await gzip.WriteAsync("{\"event_id\":\"RSS-huge\",\"reason\":\""u8.ToArray(), TestContext.Current.CancellationToken);
            var chunk = Enumerable.Repeat((byte)'a', 1 << 20).ToArray();
            for (var i = 0; i < 256; i++)
            {
                await gzip.WriteAsync(chunk, TestContext.Current.CancellationToken);
            }

            await gzip.WriteAsync(Encoding.UTF8.GetBytes("\"}\n" +
                """{"event_id":"RSS-x","dossier_id":"RSS1","event_type":"resolved","occurred_at":"2025-08-05T09:00:00+07:00","outcome":"approved"}""" + "\n"),
                TestContext.Current.CancellationToken);
        }

        Assert.InRange(body.Length, 200_000, 300_000);
        using var server = await ServeAsync();
        var idle = PeakResidentMegabytes(server.Process);

        var response = await server.PostAsync(key, new ByteArrayContent(body.ToArray()), "application/x-ndjson");
        var peak = PeakResidentMegabytes(server.Process);

        TestContext.Current.TestOutputHelper?.WriteLine($"reform serve peak RSS (VmHWM): {idle} MB before the body, {peak} MB after");
        Assert.True(peak <= 600, $"peak RSS {peak} MB (before the body: {idle} MB)");
        var answer = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, answer);
        using var json = JsonDocument.Parse(answer);
        var root = json.RootElement;
        Assert.Equal((3, 2, 1), (root.GetProperty("rows").GetInt32(), root.GetProperty("accepted").GetInt32(), root.GetProperty("rejected").GetInt32()));
        var rejected = root.GetProperty("rejections")[0];
        Assert.Equal((2, "row"), (rejected.GetProperty("row").GetInt32(), rejected.GetProperty("field").GetString()));
        Assert.Contains("vượt giới hạn 65.536 byte", rejected.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chunked_body_past_64_MB_is_answered_413_with_a_Vietnamese_problem_not_500()
    {
        var key = await AddSourceAsync("tinh-01", "01");
        using var server = await ServeAsync();

        var response = await server.PostAsync(key, new StreamContent(new Filler(65L << 20)), "text/csv");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Dữ liệu gửi lên quá lớn", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    private async Task<string> AddSourceAsync(string name, string provinces)
    {
        var added = await ReformProcess.RunAsync(["--clickhouse", engine.ConnectionString, "sources", "add", name, "--province", provinces], Environment);
        Assert.True(added.ExitCode == 0, added.StandardError);
        return added.StandardOutput.Trim();
    }

    private async Task<Server> ServeAsync()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var process = ReformProcess.Start(
            ["--clickhouse", engine.ConnectionString, "--store", _store, "serve", "--port", port.ToString(CultureInfo.InvariantCulture)], Environment);
        var server = new Server(process, port);
        using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                if ((await client.GetAsync("/healthz", TestContext.Current.CancellationToken)).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        server.Dispose();
        throw new TimeoutException($"reform serve did not answer /healthz: {server.Output}");
    }

    /// <summary>Peak resident memory of a process so far (VmHWM), in MB.</summary>
    private static long PeakResidentMegabytes(Process process)
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
    }

    private sealed class Server : IDisposable
    {
        private readonly StringBuilder _output = new();

        public Server(Process process, int port)
        {
            Process = process;
            Address = new Uri($"http://127.0.0.1:{port}");
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public Uri Address { get; }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public async Task<HttpResponseMessage> PostAsync(string key, HttpContent content, string contentType)
        {
            using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(3) };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/events") { Content = content };
            content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return await client.SendAsync(request, TestContext.Current.CancellationToken);
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit();
            }

            Process.Dispose();
        }

        private void Append(string? line)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    /// <summary>A body of CSV-looking bytes of a given length, made as it is read: no length known in advance, so the client
    /// sends it chunked.</summary>
    private sealed class Filler(long length) : Stream
    {
        private long _left = length;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, _left);
            buffer.AsSpan(offset, n).Fill((byte)'x');
            _left -= n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
