using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Store.Embedded;

namespace ReformMetrics.Store.Tests.Embedded;

/// <summary>Fetching libchdb.so with npm into a cache of its own (not the user's, which a running engine maps).</summary>
public sealed class EngineCacheTests : IDisposable
{
    private const long LibrarySize = 566_330_096;
    private readonly string _root = Directory.CreateTempSubdirectory("reform-cache-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Fetches_verifies_and_then_reuses_without_npm()
    {
        using var npm = new NpmWrapper();
        var path = await new EngineCache(_root, NullLogger.Instance, npm.Path).EnsureAsync(null, TestContext.Current.CancellationToken);

        Assert.Equal(LibrarySize, new FileInfo(path).Length);
        Assert.Equal(1, npm.Calls("pack"));
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(path)!, "tmp-*"));

        var again = await new EngineCache(_root, NullLogger.Instance, "/nonexistent/npm").EnsureAsync(null, TestContext.Current.CancellationToken);
        Assert.Equal(path, again);
    }

    [Fact]
    public async Task Corrupted_or_truncated_library_is_detected_and_fetched_again()
    {
        using var npm = new NpmWrapper();
        var cache = new EngineCache(_root, NullLogger.Instance, npm.Path);
        var path = await cache.EnsureAsync(null, TestContext.Current.CancellationToken);
        var expected = await Sha256Async(path);

        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.Seek(LibrarySize / 2, SeekOrigin.Begin);
            file.Write(new byte[4096]);
        }

        await cache.EnsureAsync(null, TestContext.Current.CancellationToken);
        Assert.Equal(expected, await Sha256Async(path));
        Assert.Equal(2, npm.Calls("pack"));

        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(LibrarySize / 3);
        }

        await cache.EnsureAsync(null, TestContext.Current.CancellationToken);
        Assert.Equal(expected, await Sha256Async(path));
        Assert.Equal(3, npm.Calls("pack"));
    }

    [Fact]
    public async Task Two_fetches_at_once_download_once()
    {
        using var npm = new NpmWrapper();
        var first = new EngineCache(_root, NullLogger.Instance, npm.Path).EnsureAsync(null, TestContext.Current.CancellationToken);
        var second = new EngineCache(_root, NullLogger.Instance, npm.Path).EnsureAsync(null, TestContext.Current.CancellationToken);

        var paths = await Task.WhenAll(first, second);

        Assert.Equal(paths[0], paths[1]);
        Assert.Equal(1, npm.Calls("pack"));
        Assert.Equal(LibrarySize, new FileInfo(paths[0]).Length);
    }

    [Fact]
    public async Task A_download_that_fails_the_published_integrity_hash_is_refused_and_removed()
    {
        using var npm = new NpmWrapper(lieAboutIntegrity: true);
        var cache = new EngineCache(_root, NullLogger.Instance, npm.Path);

        var error = await Assert.ThrowsAsync<EngineUnavailableException>(() => cache.EnsureAsync(null, TestContext.Current.CancellationToken));

        Assert.Contains("không khớp mã toàn vẹn", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(cache.LibraryPath));
        Assert.Empty(Directory.GetDirectories(cache.VersionDirectory, "tmp-*"));
    }

    [Fact]
    public async Task Without_npm_the_error_says_to_install_npm_or_use_a_server()
    {
        var cache = new EngineCache(_root, NullLogger.Instance, "/nonexistent/npm");

        var error = await Assert.ThrowsAsync<EngineUnavailableException>(() => cache.EnsureAsync(null, TestContext.Current.CancellationToken));

        Assert.Contains("npm", error.Message, StringComparison.Ordinal);
        Assert.Contains("--clickhouse", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sha512-XP97mMqnc5tZpKQywR8N7cLTsHNiTmHr30pC5mzo3jWmukjKn2IBa60c2B/gWUNcuFjOMjWoorQICCqBVj5wpw==", true)]
    [InlineData("sha1-0pBfr9DgrA4jHMyt0fD20BCXcpc= sha512-XP97mMqnc5tZpKQywR8N7cLTsHNiTmHr30pC5mzo3jWmukjKn2IBa60c2B/gWUNcuFjOMjWoorQICCqBVj5wpw==", true)]
    [InlineData("sha1-0pBfr9DgrA4jHMyt0fD20BCXcpc=", false)]
    [InlineData("sha512-notbase64!", false)]
    [InlineData("sha512-AAAA", false)]
    [InlineData("", false)]
    public void Reads_the_sha512_part_of_an_npm_integrity_string(string integrity, bool valid)
    {
        Assert.Equal(valid, EngineCache.Sha512FromIntegrity(integrity) is { Length: 64 });
    }

    private static async Task<string> Sha256Async(string path)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
    }
}
