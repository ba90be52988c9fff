using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using ReformMetrics.Store;

namespace ReformMetrics.Ingest.Intake;

/// <summary>Source systems allowed to POST events, each with its own API key. Only the SHA-256 of a key is stored;
/// the key itself is shown once, when the source is added.</summary>
public sealed class ApiSources(ClickHouseStore store, TimeProvider clock)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (string? Source, DateTimeOffset At)> _cache = new(StringComparer.Ordinal);

    /// <summary>Adds (or re-keys) a source; returns its new key.</summary>
    public async Task<string> AddAsync(string name, CancellationToken cancellationToken)
    {
        var key = "rk_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await using var connection = store.CreateConnection();
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO api_sources (name, key_sha256, revoked) SELECT @name, @hash, false",
            new { name, hash = Hash(key) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        _cache.Clear();
        return key;
    }

    /// <summary>The source a key belongs to, or null for an unknown or revoked key.</summary>
    public async Task<string?> AuthenticateAsync(string key, CancellationToken cancellationToken)
    {
        var hash = Hash(key);
        if (_cache.TryGetValue(hash, out var cached) && clock.GetUtcNow() - cached.At < CacheFor)
        {
            return cached.Source;
        }

        await using var connection = store.CreateConnection();
        // The latest row of each source decides: re-keying or revoking a source invalidates its older keys.
        var source = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            """
            SELECT toString(name) FROM
            (
                SELECT name, argMax(key_sha256, created_at) AS key, argMax(revoked, created_at) AS revoked FROM api_sources GROUP BY name
            )
            WHERE key = @hash AND NOT revoked
            """,
            new { hash }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        _cache[hash] = (source, clock.GetUtcNow());
        return source;
    }

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
