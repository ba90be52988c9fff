using System.Diagnostics;
using Microsoft.Extensions.Logging;

using ReformMetrics.Store.Embedded;

namespace ReformMetrics.Store.Cluster;

/// <summary>
/// Apache ZooKeeper from Debian's <c>zookeeper</c> package (3.8): the server's jar and its dependencies under
/// /usr/share/java, run by the system's java. The package installs no service; <c>zookeeperd</c> would add one listening on
/// 2181, which a private cluster does not want. Installed on demand when running as root (CI, containers); otherwise the
/// user is told the exact command.
/// </summary>
internal static class ZooKeeperPackage
{
    public const string PackageName = "zookeeper";
    public const string ServerJar = "/usr/share/java/zookeeper.jar";

    /// <summary>A logging binding for ZooKeeper's slf4j, from the same packages; without it ZooKeeper logs nothing.</summary>
    public const string LoggingJar = "/usr/share/java/slf4j-simple.jar";

    public static string InstallCommand => $"sudo apt-get update && sudo apt-get install -y {PackageName}";

    /// <summary>The java program ZooKeeper runs on: the one on PATH, else Debian's.</summary>
    public static string? Java() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "java"))
            .Append("/usr/bin/java")
            .FirstOrDefault(File.Exists);

    public static bool IsInstalled => File.Exists(ServerJar) && Java() is not null;

    public static async Task EnsureInstalledAsync(IProgress<string>? progress, ILogger logger, CancellationToken cancellationToken)
    {
        if (IsInstalled)
        {
            return;
        }

        if (!Environment.IsPrivilegedProcess)
        {
            throw new ClusterException(
                $"Cụm có bản sao (--replicas lớn hơn 1) cần Apache ZooKeeper, nhưng máy chưa có (không thấy {ServerJar}). "
                + $"Hãy cài gói Debian \"{PackageName}\" (gói này không tự chạy dịch vụ nào): {InstallCommand}");
        }

        progress?.Report($"Đang cài Apache ZooKeeper (gói Debian {PackageName}) bằng apt-get");
        await RunAptAsync(["update", "-qq"], logger, cancellationToken).ConfigureAwait(false);
        await RunAptAsync(["install", "-y", "-qq", PackageName], logger, cancellationToken).ConfigureAwait(false);
        if (!IsInstalled)
        {
            throw new ClusterException($"Đã cài gói {PackageName} nhưng vẫn không thấy {ServerJar} hoặc chương trình java.");
        }

        logger.LogInformation("Installed the Debian package {Package}", PackageName);
    }

    private static async Task RunAptAsync(IReadOnlyList<string> arguments, ILogger logger, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("apt-get")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("apt-get did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new ClusterException($"Không chạy được apt-get để cài gói {PackageName}. Hãy tự cài: {InstallCommand}", ex);
        }

        var (exitCode, output, error) = await ToolRun.CompleteAsync(process, cancellationToken).ConfigureAwait(false);
        logger.LogDebug("apt-get {Arguments}: {Output}", string.Join(' ', arguments), output);
        if (exitCode != 0)
        {
            throw new ClusterException($"apt-get {string.Join(' ', arguments)} thất bại (mã {exitCode}): {error}. Hãy tự cài: {InstallCommand}");
        }
    }
}
