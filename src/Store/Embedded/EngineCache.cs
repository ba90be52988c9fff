using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace ReformMetrics.Store.Embedded;

/// <summary>
/// Keeps the chDB build of ClickHouse (libchdb.so) in a per-user cache, fetched with <c>npm pack</c>
/// from npm's configured registry and checked against the integrity hash npm publishes.
/// </summary>
/// <remarks>
/// Layout of <c>&lt;root&gt;/&lt;version&gt;/</c>: <c>libchdb.so</c>; <c>manifest.json</c> (the SHA-256 of
/// the library as extracted from a verified tarball); <c>stamp.json</c> (size and modification time when
/// it was last hashed). The library is hashed again whenever its size or modification time differ from the
/// stamp, so any write to the file (truncation, corruption, partial copy) is caught without hashing
/// 566 MB on every start.
/// </remarks>
public sealed class EngineCache(string root, ILogger logger, string npmCommand = "npm")
{
    public const string PackageName = "@chdb/lib-linux-x64-gnu";
    public const string PackageVersion = "26.7.3-stable.1";
    private const string LibraryEntry = "package/libchdb.so";

    public string VersionDirectory { get; } = Path.Combine(root, PackageVersion);

    public string LibraryPath => Path.Combine(VersionDirectory, "libchdb.so");

    private string ManifestPath => Path.Combine(VersionDirectory, "manifest.json");

    private string StampPath => Path.Combine(VersionDirectory, "stamp.json");

    /// <summary>The default cache root: $XDG_CACHE_HOME/reform-metrics/engine, else ~/.cache/reform-metrics/engine.</summary>
    public static string DefaultRoot()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var cache = string.IsNullOrWhiteSpace(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
            : xdg;
        return Path.Combine(cache, "reform-metrics", "engine");
    }

    /// <summary>Returns the path of a verified libchdb.so, fetching it when missing or damaged.</summary>
    public async Task<string> EnsureAsync(IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (StampMatches())
        {
            return LibraryPath;
        }

        Directory.CreateDirectory(VersionDirectory);
        using var fetchLock = await FileLock.AcquireAsync(
            Path.Combine(VersionDirectory, "fetch.lock"), TimeSpan.FromMinutes(15), cancellationToken).ConfigureAwait(false);

        // Another process may have fetched it while we waited for the lock.
        if (StampMatches())
        {
            return LibraryPath;
        }

        if (File.Exists(LibraryPath) && ReadManifest() is { } manifest)
        {
            progress?.Report("Đang kiểm tra bộ máy ClickHouse trong bộ nhớ đệm");
            var (size, sha256) = await HashFileAsync(LibraryPath, cancellationToken).ConfigureAwait(false);
            if (size == manifest.Size && sha256 == manifest.Sha256)
            {
                WriteStamp();
                return LibraryPath;
            }

            logger.LogWarning("Cached engine {Path} is damaged (size {Size}, expected {Expected}); fetching it again", LibraryPath, size, manifest.Size);
        }

        await FetchAsync(progress, cancellationToken).ConfigureAwait(false);
        return LibraryPath;
    }

    private async Task FetchAsync(IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var spec = $"{PackageName}@{PackageVersion}";
        // Leftovers of a fetch that was killed: safe to remove, we hold the fetch lock.
        foreach (var stale in Directory.EnumerateDirectories(VersionDirectory, "tmp-*"))
        {
            TryDeleteDirectory(stale);
        }

        var work = Path.Combine(VersionDirectory, $"tmp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            progress?.Report($"Đang hỏi npm mã toàn vẹn của {spec}");
            var integrity = (await RunNpmAsync(["view", spec, "dist.integrity"], work, cancellationToken).ConfigureAwait(false)).Trim();
            var expected = Sha512FromIntegrity(integrity)
                ?? throw new EngineUnavailableException($"npm trả về mã toàn vẹn không hợp lệ cho {spec}: \"{integrity}\".");

            progress?.Report($"Đang tải {spec} (khoảng 180 MB) bằng npm pack");
            var packJson = await RunNpmAsync(["pack", spec, "--json", "--pack-destination", work], work, cancellationToken).ConfigureAwait(false);
            var tarball = Path.Combine(work, ReadPackFileName(packJson));

            progress?.Report("Đang kiểm tra bản tải về");
            byte[] actual;
            await using (var stream = File.OpenRead(tarball))
            {
                actual = await SHA512.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
            }

            if (!actual.AsSpan().SequenceEqual(expected))
            {
                throw new EngineUnavailableException(
                    $"Gói {spec} tải về không khớp mã toàn vẹn npm công bố ({integrity}); đã huỷ bản tải về.");
            }

            progress?.Report("Đang giải nén libchdb.so");
            var extracted = Path.Combine(work, "libchdb.so");
            var (size, sha256) = await ExtractLibraryAsync(tarball, extracted, cancellationToken).ConfigureAwait(false);

            // Rename into place: readers see the old complete file or the new complete one, never a partial one.
            File.Move(extracted, LibraryPath, overwrite: true);
            WriteJsonAtomically(ManifestPath, new Manifest(spec, integrity, size, sha256));
            WriteStamp();
            logger.LogInformation("Engine {Spec} cached at {Path}", spec, LibraryPath);
        }
        finally
        {
            TryDeleteDirectory(work);
        }
    }

    private static async Task<(long Size, string Sha256)> ExtractLibraryAsync(string tarball, string destination, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(tarball);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        while (await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            if (entry.Name != LibraryEntry || entry.DataStream is null)
            {
                continue;
            }

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true);
            var buffer = new byte[1 << 20];
            long size = 0;
            int read;
            while ((read = await entry.DataStream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                size += read;
            }

            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            output.Flush(flushToDisk: true);
            return (size, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }

        throw new EngineUnavailableException($"Gói npm không chứa {LibraryEntry}.");
    }

    private async Task<string> RunNpmAsync(IReadOnlyList<string> arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(npmCommand)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("npm did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new EngineUnavailableException(
                "Không tìm thấy npm, cần để tải bộ máy ClickHouse nhúng. Hãy cài npm (kèm Node.js) " +
                "hoặc chỉ định máy chủ ClickHouse bằng --clickhouse / REFORM_CLICKHOUSE.", ex);
        }

        var (exitCode, output, error) = await ToolRun.CompleteAsync(process, cancellationToken).ConfigureAwait(false);
        if (exitCode != 0)
        {
            throw new EngineUnavailableException($"npm {string.Join(' ', arguments)} thất bại (mã {exitCode}): {error}");
        }

        return output;
    }

    private static string ReadPackFileName(string packJson)
    {
        using var document = JsonDocument.Parse(packJson);
        return document.RootElement[0].GetProperty("filename").GetString()
            ?? throw new EngineUnavailableException("npm pack did not name the file it wrote.");
    }

    internal static byte[]? Sha512FromIntegrity(string integrity)
    {
        foreach (var part in integrity.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith("sha512-", StringComparison.Ordinal))
            {
                try
                {
                    var bytes = Convert.FromBase64String(part["sha512-".Length..]);
                    return bytes.Length == SHA512.HashSizeInBytes ? bytes : null;
                }
                catch (FormatException)
                {
                    return null;
                }
            }
        }

        return null;
    }

    private static async Task<(long Size, string Sha256)> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return (stream.Length, Convert.ToHexStringLower(hash));
    }

    private bool StampMatches()
    {
        try
        {
            var file = new FileInfo(LibraryPath);
            if (!file.Exists || !File.Exists(StampPath) || !File.Exists(ManifestPath))
            {
                return false;
            }

            var stamp = JsonSerializer.Deserialize<Stamp>(File.ReadAllText(StampPath));
            return stamp is not null && stamp.Size == file.Length && stamp.ModifiedTicks == file.LastWriteTimeUtc.Ticks;
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return false;
        }
    }

    private void WriteStamp()
    {
        var file = new FileInfo(LibraryPath);
        WriteJsonAtomically(StampPath, new Stamp(file.Length, file.LastWriteTimeUtc.Ticks));
    }

    private Manifest? ReadManifest()
    {
        try
        {
            return File.Exists(ManifestPath) ? JsonSerializer.Deserialize<Manifest>(File.ReadAllText(ManifestPath)) : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }

    private static void WriteJsonAtomically<T>(string path, T value)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(value));
        File.Move(temp, path, overwrite: true);
    }

    private void TryDeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException ex)
        {
            logger.LogWarning(ex, "Could not remove temporary directory {Path}", path);
        }
    }

    private sealed record Manifest(string Package, string Integrity, long Size, string Sha256);

    private sealed record Stamp(long Size, long ModifiedTicks);
}
