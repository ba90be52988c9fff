using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using ReformMetrics.Store.Embedded;

namespace ReformMetrics.Store.Cluster;

/// <summary>
/// A private, standalone ZooKeeper for one local cluster: its own configuration and data under the cluster's directory, its
/// own client port on 127.0.0.1 (never the system's 2181), no admin web server (it would take port 8080, the dashboard's).
/// It runs detached (its own session, output to its log) so that it outlives <c>reform cluster up</c>; <c>down</c> stops it.
/// </summary>
internal static class ZooKeeperServer
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    public static string ConfigFile(ClusterLayout layout) => Path.Combine(layout.ZooKeeperDirectory, "zoo.cfg");

    public static string LogFile(ClusterLayout layout) => Path.Combine(layout.ZooKeeperDirectory, "zookeeper.log");

    public static async Task<ZooKeeperState> StartAsync(ClusterLayout layout, int port, ILogger logger, CancellationToken cancellationToken)
    {
        var data = Path.Combine(layout.ZooKeeperDirectory, "data");
        Directory.CreateDirectory(layout.ZooKeeperDirectory, ClusterLayout.OwnerOnly);
        Directory.CreateDirectory(data, ClusterLayout.OwnerOnly);
        await File.WriteAllTextAsync(ConfigFile(layout), string.Create(CultureInfo.InvariantCulture, $"""
            # Written by reform cluster up: a private standalone ZooKeeper for this cluster.
            tickTime=1000
            initLimit=10
            syncLimit=5
            dataDir={data}
            clientPort={port}
            clientPortAddress=127.0.0.1
            admin.enableServer=false
            4lw.commands.whitelist=ruok,srvr
            autopurge.purgeInterval=1

            """), cancellationToken).ConfigureAwait(false);

        var java = ZooKeeperPackage.Java() ?? throw new ClusterException($"Không tìm thấy chương trình java để chạy ZooKeeper. Cài: {ZooKeeperPackage.InstallCommand}");
        var classPath = File.Exists(ZooKeeperPackage.LoggingJar) ? $"{ZooKeeperPackage.ServerJar}:{ZooKeeperPackage.LoggingJar}" : ZooKeeperPackage.ServerJar;
        // setsid: a session of its own, so a terminal closing or Ctrl-C after `up` returned never reaches it; exec keeps one
        // pid from sh to java, the pid recorded for `down`.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = layout.ZooKeeperDirectory };
        start.Environment.Clear();
        foreach (var name in new[] { "PATH", "HOME", "LANG", "LC_ALL", "TZ", "JAVA_HOME" })
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                start.Environment[name] = value;
            }
        }

        foreach (var argument in new[]
                 {
                     "-c", "exec setsid \"$@\" </dev/null >>\"$0\" 2>&1", LogFile(layout),
                     java, "-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-Dorg.slf4j.simpleLogger.showDateTime=true", "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss.SSS", "-cp", classPath,
                     "org.apache.zookeeper.server.ZooKeeperServerMain", ConfigFile(layout),
                 })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new ClusterException("Không chạy được ZooKeeper.");
        var state = new ZooKeeperState(process.Id, Lease.ProcessStartTime(process.Id), port, layout.ZooKeeperDirectory);
        var deadline = DateTime.UtcNow + StartTimeout;
        while (await ProbeAsync(port, "ruok", cancellationToken).ConfigureAwait(false) != "imok")
        {
            if (process.HasExited)
            {
                throw new ClusterException($"ZooKeeper dừng ngay khi khởi động (mã thoát {process.ExitCode}). Nhật ký: {LogFile(layout)}");
            }

            if (DateTime.UtcNow > deadline)
            {
                await StopAsync(state, logger).ConfigureAwait(false);
                throw new ClusterException($"ZooKeeper không trả lời sau {StartTimeout.TotalSeconds:0} giây. Nhật ký: {LogFile(layout)}");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        logger.LogInformation("ZooKeeper ready on port {Port} (pid {Pid})", port, state.Pid);
        return state;
    }

    /// <summary>Sends a four-letter command (<c>ruok</c>, <c>srvr</c>); null when nothing answers.</summary>
    public static async Task<string?> ProbeAsync(int port, string command, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, timeout.Token).ConfigureAwait(false);
            await using var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(command), timeout.Token).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.ASCII);
            return (await reader.ReadToEndAsync(timeout.Token).ConfigureAwait(false)).Trim();
        }
        catch (Exception ex) when (ex is SocketException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    /// <summary>The server's mode (<c>standalone</c>) from <c>srvr</c>, or null when it does not answer.</summary>
    public static async Task<string?> ModeAsync(int port, CancellationToken cancellationToken) =>
        (await ProbeAsync(port, "srvr", cancellationToken).ConfigureAwait(false))?.Split('\n')
            .Select(line => line.Trim())
            .FirstOrDefault(line => line.StartsWith("Mode:", StringComparison.Ordinal))?["Mode:".Length..].Trim();

    /// <summary>SIGTERM, then SIGKILL if it has not gone within 15 s. Never signals a pid that now belongs to another process.</summary>
    public static async Task StopAsync(ZooKeeperState state, ILogger logger)
    {
        if (!state.IsRunning)
        {
            return;
        }

        _ = Libc.kill(state.Pid, Libc.SIGTERM);
        if (await ProcessWatch.WaitUntilAsync(() => !state.IsRunning, StopTimeout).ConfigureAwait(false))
        {
            logger.LogInformation("ZooKeeper (pid {Pid}) stopped", state.Pid);
            return;
        }

        logger.LogWarning("ZooKeeper (pid {Pid}) did not stop within {Seconds} s; killing it", state.Pid, StopTimeout.TotalSeconds);
        _ = Libc.kill(state.Pid, Libc.SIGKILL);
        await ProcessWatch.WaitUntilAsync(() => !state.IsRunning, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    }
}
