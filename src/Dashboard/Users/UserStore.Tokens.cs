using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Dapper;

namespace ReformMetrics.Dashboard.Users;

/// <summary>API tokens: issued for a number of days, listed and revoked by a short id, refused once expired, revoked,
/// or while their user is disabled.</summary>
public sealed partial class UserStore
{
    public const int DefaultTokenDays = 90;
    public const int MaxTokenDays = 365;

    /// <summary>Creates an API token valid for the default 90 days; returns the token, which is not stored and cannot be
    /// shown again.</summary>
    public Task<string> CreateTokenAsync(string name, string label, CancellationToken cancellationToken) =>
        CreateTokenAsync(name, label, DefaultTokenDays, cancellationToken);

    public async Task<string> CreateTokenAsync(string name, string label, int days, CancellationToken cancellationToken)
    {
        if (days is < 1 or > MaxTokenDays)
        {
            throw new UserInputException($"--days: thời hạn của mã phải từ 1 đến {MaxTokenDays} ngày, không phải {days}.");
        }

        var user = await FindAsync(name, cancellationToken).ConfigureAwait(false) ?? throw new UserInputException($"--name: không có người dùng \"{name}\".");
        var token = "rm_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = clock.GetUtcNow();
        await using var connection = store.CreateConnection();
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO dashboard_tokens (token_hash, user_name, label, created_at, expires_at) VALUES (@hash, @user, @label, @at, @expires)",
            new { hash = Hash(token), user = user.Name, label, at = now.UtcDateTime, expires = now.AddDays(days).UtcDateTime }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return token;
    }

    /// <summary>The short id under which `users tokens` lists a token and `users token --revoke` takes it.</summary>
    public static string TokenId(string token) => Hash(token)[..TokenIdLength];

    /// <summary>The user a token belongs to, or null when it is unknown, revoked, expired, or its user is disabled.</summary>
    public async Task<DashboardUser?> FindByTokenAsync(string token, CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        var row = await connection.QueryFirstOrDefaultAsync<(string User, DateTime? RevokedAt, DateTime ExpiresAt)>(new CommandDefinition(
            "SELECT user_name, revoked_at, expires_at FROM dashboard_tokens FINAL WHERE token_hash = @hash", new { hash = Hash(token) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (row.User is null || row.RevokedAt is not null || Utc(row.ExpiresAt) <= clock.GetUtcNow())
        {
            return null;
        }

        return await FindAsync(row.User, cancellationToken).ConfigureAwait(false) is { Disabled: false } user ? user : null;
    }

    /// <summary>A user's tokens, newest first, revoked and expired ones included.</summary>
    public async Task<IReadOnlyList<ApiTokenInfo>> ListTokensAsync(string name, CancellationToken cancellationToken)
    {
        var user = await FindAsync(name, cancellationToken).ConfigureAwait(false) ?? throw new UserInputException($"--name: không có người dùng \"{name}\".");
        await using var connection = store.CreateConnection();
        var rows = await connection.QueryAsync<(string Hash, string Label, DateTime CreatedAt, DateTime ExpiresAt, DateTime? RevokedAt)>(new CommandDefinition(
            "SELECT toString(token_hash), label, created_at, expires_at, revoked_at FROM dashboard_tokens FINAL WHERE user_name = @user ORDER BY created_at DESC",
            new { user = user.Name }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => new ApiTokenInfo(r.Hash[..TokenIdLength], user.Name, r.Label, Utc(r.CreatedAt), Utc(r.ExpiresAt), r.RevokedAt is { } at ? Utc(at) : null)).ToList();
    }

    /// <summary>Revokes one token of a user by its short id (or all of them with a null id); returns how many were still
    /// in force. The refusal takes effect at the token's next request.</summary>
    public async Task<int> RevokeTokensAsync(string name, string? id, CancellationToken cancellationToken)
    {
        if (id is not null && !TokenIdPattern().IsMatch(id = id.Trim().ToLowerInvariant()))
        {
            throw new UserInputException($"--revoke: \"{id}\" không phải mã định danh của một mã API ({TokenIdLength} chữ số hex, xem reform users tokens --name {name}).");
        }

        var tokens = await ListTokensAsync(name, cancellationToken).ConfigureAwait(false);
        if (id is not null && tokens.All(t => t.Id != id))
        {
            throw new UserInputException($"--revoke: người dùng {(tokens.Count > 0 ? tokens[0].User : name)} không có mã API \"{id}\".");
        }

        var now = clock.GetUtcNow();
        var live = tokens.Where(t => (id is null || t.Id == id) && t.RevokedAt is null && t.ExpiresAt > now).ToList();
        if (live.Count == 0)
        {
            return 0;
        }

        await using var connection = store.CreateConnection();
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO dashboard_tokens (token_hash, user_name, label, created_at, expires_at, revoked_at, version) "
            + "SELECT token_hash, user_name, label, created_at, expires_at, @at, now64(6) FROM dashboard_tokens FINAL "
            + "WHERE user_name = @user AND substring(token_hash, 1, @length) IN @ids",
            new { at = now.UtcDateTime, user = live[0].User, length = TokenIdLength, ids = live.Select(t => t.Id).ToArray() },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return live.Count;
    }

    private const int TokenIdLength = 12;

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    [GeneratedRegex("^[0-9a-f]{12}$")]
    private static partial Regex TokenIdPattern();
}
