using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using ReformMetrics.Store;

namespace ReformMetrics.Ingest.Intake;

/// <summary>A source system allowed to POST events, and the provinces it writes for.</summary>
/// <param name="Provinces">2025 province codes; empty for a national source or a source not bound yet.</param>
/// <param name="AllProvinces">A national source, added with --all-provinces.</param>
public sealed record SourceScope(string Name, IReadOnlyList<string> Provinces, bool AllProvinces)
{
    /// <summary>False for a key added before sources were bound to provinces: refused until added again.</summary>
    public bool Bound => AllProvinces || Provinces.Count > 0;
}

/// <summary>Source systems allowed to POST events, each with its own API key and the provinces it serves. Only the
/// SHA-256 of a key is stored; the key itself is shown once, when the source is added. They are listed, with when each
/// last had events accepted, by <see cref="ReformMetrics.Store.Sources.SourceActivity"/> (the dashboard reads them too).</summary>
public sealed class ApiSources(ClickHouseStore store, TimeProvider clock)
{
    // Short: a revoked or re-bound key must stop working soon on a running server; a look-up costs one small query.
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, (SourceScope? Source, DateTimeOffset At)> _cache = new(StringComparer.Ordinal);

    /// <summary>Adds (or re-keys, or re-binds) a source; returns its new key.</summary>
    public async Task<string> AddAsync(string name, IReadOnlyList<string> provinces, bool allProvinces, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provinces);
        if (allProvinces == (provinces.Count > 0))
        {
            throw new ArgumentException("A source serves either listed provinces or all of them.", nameof(provinces));
        }

        var key = "rk_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await using var connection = store.CreateConnection();
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO api_sources (name, key_sha256, provinces, all_provinces, revoked) SELECT @name, @hash, @provinces, @allProvinces, false",
            new { name, hash = Hash(key), provinces = provinces.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(), allProvinces },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        _cache.Clear();
        return key;
    }

    /// <summary>Revokes a source's key; false when no such source exists. A running server notices within 30 seconds.</summary>
    public async Task<bool> RevokeAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        var known = await connection.ExecuteScalarAsync<ulong>(new CommandDefinition(
            "SELECT count() FROM api_sources WHERE name = @name", new { name }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (known == 0)
        {
            return false;
        }

        // The latest row of a source decides; this one keeps what the source was, revoked.
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO api_sources (name, key_sha256, provinces, all_provinces, revoked)
            SELECT name, argMax(key_sha256, created_at), argMax(provinces, created_at), argMax(all_provinces, created_at), true
            FROM api_sources WHERE name = @name GROUP BY name
            """,
            new { name }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        _cache.Clear();
        return true;
    }

    /// <summary>The codes among <paramref name="codes"/> that are not one of the 34 provinces (2025).</summary>
    public async Task<IReadOnlyList<string>> UnknownProvincesAsync(IReadOnlyList<string> codes, CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        var known = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT toString(code) FROM provinces WHERE geo = 2025", cancellationToken: cancellationToken)).ConfigureAwait(false))
            .ToHashSet(StringComparer.Ordinal);
        return codes.Where(c => !known.Contains(c)).ToList();
    }

    /// <summary>The source a key belongs to, or null for an unknown or revoked key.</summary>
    public async Task<SourceScope?> AuthenticateAsync(string key, CancellationToken cancellationToken)
    {
        var hash = Hash(key);
        if (_cache.TryGetValue(hash, out var cached) && clock.GetUtcNow() - cached.At < CacheFor)
        {
            return cached.Source;
        }

        await using var connection = store.CreateConnection();
        // The latest row of each source decides: re-keying or revoking a source invalidates its older keys.
        var row = (await connection.QueryAsync<(string Name, string[] Provinces, bool All)>(new CommandDefinition(
            """
            SELECT toString(name), arrayMap(p -> toString(p), provinces), all_provinces FROM
            (
                SELECT name, argMax(key_sha256, created_at) AS key, argMax(revoked, created_at) AS revoked,
                       argMax(provinces, created_at) AS provinces, argMax(all_provinces, created_at) AS all_provinces
                FROM api_sources GROUP BY name
            )
            WHERE key = @hash AND NOT revoked
            """,
            new { hash }, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        var source = row.Count == 1 ? new SourceScope(row[0].Name, row[0].Provinces, row[0].All) : null;
        _cache[hash] = (source, clock.GetUtcNow());
        return source;
    }

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
