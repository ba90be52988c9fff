using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ReformMetrics.Cli.Bench.Campaign;

/// <summary>
/// `reform serve` started by a campaign as a child process on a free loopback port, ready once <c>GET /healthz</c> answers
/// 200. Stopped with SIGTERM (as systemd or Ctrl+C would), or killed with SIGKILL by the fault campaign.
/// </summary>
internal sealed class ServedDashboard : IAsyncDisposable
{
    private readonly Process _process;

    private ServedDashboard(Process process, int port, string logFile)
    {
        _process = process;
        Port = port;
        LogFile = logFile;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    public Uri BaseAddress { get; }

    public int Port { get; }

    public int Pid => _process.Id;

    public string LogFile { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts `reform serve` on <paramref name="port"/> (a free one when null: a restart may ask for the port it had,
    /// so that clients keep their address) and waits until it is healthy.</summary>
    public static async Task<ServedDashboard> StartAsync(
        CampaignTarget target, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null, int? port = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        port ??= FreePort();
        var log = Path.Combine(target.WorkDirectory, $"serve-{port}.log");
        var process = target.Start(["serve", "--port", port.Value.ToString(CultureInfo.InvariantCulture)], log, environment);
        var served = new ServedDashboard(process, port.Value, log);
        try
        {
            await served.WaitHealthyAsync(timeout ?? TimeSpan.FromMinutes(3), cancellationToken);
            return served;
        }
        catch
        {
            await served.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until /healthz answers 200; the server's exit or the timeout is a failure naming the log.</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new CampaignException($"reform serve dừng với mã {_process.ExitCode} trước khi sẵn sàng: {LogTail()}");
            }

            if (await HealthyAsync(client, cancellationToken))
            {
                return;
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new CampaignException($"reform serve chưa trả lời /healthz sau {timeout.TotalSeconds:N0} giây: {LogTail()}");
    }

    public static async Task<bool> HealthyAsync(HttpClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), cancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Resident memory now and at its peak (VmRSS, VmHWM), in MB; 0 once the process is gone.</summary>
    public (double Now, double Peak) MemoryMb() => ProcessMemory.Of(_process.Id);

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or an OOM kill.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }

        await _process.WaitForExitAsync(CancellationToken.None);
    }

    /// <summary>SIGTERM, then SIGKILL when it has not stopped within 60 seconds.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        Signals.Terminate(_process.Id);
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await _process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            ConsoleUi.Info($"reform serve (pid {_process.Id}) chưa dừng sau 60 giây với SIGTERM; dừng hẳn bằng SIGKILL.");
            await KillAsync();
        }
    }

    public string LogTail(int lines = 10)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return string.Join('\n', reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines));
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Signals .NET's Process does not send (it kills with SIGKILL only).</summary>
internal static class Signals
{
    public static void Terminate(int pid) => Send("-TERM", pid);

    public static void Kill(int pid) => Send("-KILL", pid);

    private static void Send(string signal, int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [signal, pid.ToString(CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false, RedirectStandardError = true,
        });
        kill?.WaitForExit();
    }
}

/// <summary>A process's resident memory from /proc.</summary>
internal static class ProcessMemory
{
    public static (double Now, double Peak) Of(int pid)
    {
        try
        {
            double Field(string name) => File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal)) is { } line
                ? long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0
                : 0;
            return (Field("VmRSS:"), Field("VmHWM:"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (0, 0);
        }
    }
}
