using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using ReformMetrics.Store;

namespace ReformMetrics.Dashboard.Users;

/// <summary>
/// Dashboard users and API tokens in the store. Passwords are hashed with ASP.NET Core Identity's PasswordHasher; a
/// token is 32 random bytes shown once, of which only the SHA-256 is kept. Consecutive failed logins lock the account
/// for a while; each change writes a new version of the user's row (ReplacingMergeTree), and logins of one user are
/// checked one at a time in this process so that two failures never count as one.
/// </summary>
public sealed partial class UserStore(ClickHouseStore store, IOptions<DashboardOptions> options, TimeProvider clock)
{
    private static readonly PasswordHasher<DashboardUser> Hasher = new();
    private static readonly SemaphoreSlim LoginLock = new(1, 1);

    public async Task<DashboardUser> SaveAsync(string name, Role role, string? province, string password, CancellationToken cancellationToken)
    {
        name = CheckName(name);
        if (password.Length < options.Value.MinPasswordLength)
        {
            throw new UserInputException($"mật khẩu: cần ít nhất {options.Value.MinPasswordLength} ký tự.");
        }

        province = string.IsNullOrWhiteSpace(province) ? string.Empty : province.Trim();
        if (role.IsProvinceBound() && province.Length == 0)
        {
            throw new UserInputException($"--province: vai trò {role.Name()} cần mã tỉnh (theo 34 tỉnh, thành phố từ 01/07/2025).");
        }

        if (!role.IsProvinceBound() && province.Length > 0)
        {
            throw new UserInputException($"--province: vai trò {role.Name()} xem mọi tỉnh, không gắn với tỉnh \"{province}\".");
        }

        await using var connection = store.CreateConnection();
        if (province.Length > 0 && await connection.ExecuteScalarAsync<ulong>(new CommandDefinition(
                "SELECT count() FROM provinces WHERE geo = 2025 AND code = @province", new { province }, cancellationToken: cancellationToken)).ConfigureAwait(false) == 0)
        {
            throw new UserInputException($"--province: \"{province}\" không phải mã một trong 34 tỉnh, thành phố từ 01/07/2025.");
        }

        var existing = await FindAsync(name, cancellationToken).ConfigureAwait(false);
        var user = new DashboardUser(name, role, province, string.Empty, 0, null, false, existing?.CreatedAt ?? clock.GetUtcNow());
        user = user with { PasswordHash = Hasher.HashPassword(user, password) };
        await WriteAsync(user, cancellationToken).ConfigureAwait(false);
        return user;
    }

    public async Task<DashboardUser?> FindAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        var row = await connection.QueryFirstOrDefaultAsync<UserRow>(new CommandDefinition(
            $"SELECT {Columns} FROM dashboard_users FINAL WHERE name = @name", new { name = name.Trim().ToLowerInvariant() }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToUser();
    }

    public async Task<IReadOnlyList<DashboardUser>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        return (await connection.QueryAsync<UserRow>(new CommandDefinition(
            $"SELECT {Columns} FROM dashboard_users FINAL ORDER BY name", cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(r => r.ToUser()).ToList();
    }

    /// <summary>Checks a password, counting failures and locking the account after too many in a row.</summary>
    public async Task<(LoginOutcome Outcome, DashboardUser? User)> LoginAsync(string name, string password, CancellationToken cancellationToken)
    {
        await LoginLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var user = await FindAsync(name, cancellationToken).ConfigureAwait(false);
            var now = clock.GetUtcNow();
            if (user is null)
            {
                return (LoginOutcome.UnknownUser, null);
            }

            if (user.Disabled)
            {
                return (LoginOutcome.Disabled, user);
            }

            if (user.LockedUntil is { } until && until > now)
            {
                return (LoginOutcome.LockedOut, user);
            }

            if (Hasher.VerifyHashedPassword(user, user.PasswordHash, password) == PasswordVerificationResult.Failed)
            {
                var failures = user.FailedLogins + 1;
                var locked = failures >= options.Value.LockoutFailures;
                user = user with { FailedLogins = locked ? 0 : failures, LockedUntil = locked ? now.AddMinutes(options.Value.LockoutMinutes) : user.LockedUntil };
                await WriteAsync(user, cancellationToken).ConfigureAwait(false);
                return (locked ? LoginOutcome.LockedOut : LoginOutcome.WrongPassword, user);
            }

            if (user.FailedLogins > 0 || user.LockedUntil is not null)
            {
                user = user with { FailedLogins = 0, LockedUntil = null };
                await WriteAsync(user, cancellationToken).ConfigureAwait(false);
            }

            return (LoginOutcome.Success, user);
        }
        finally
        {
            LoginLock.Release();
        }
    }

    /// <summary>Creates an API token for a user; returns the token, which is not stored and cannot be shown again.</summary>
    public async Task<string> CreateTokenAsync(string name, string label, CancellationToken cancellationToken)
    {
        var user = await FindAsync(name, cancellationToken).ConfigureAwait(false) ?? throw new UserInputException($"--name: không có người dùng \"{name}\".");
        var token = "rm_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await using var connection = store.CreateConnection();
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO dashboard_tokens (token_hash, user_name, label, created_at) VALUES (@hash, @user, @label, @at)",
            new { hash = Hash(token), user = user.Name, label, at = clock.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return token;
    }

    /// <summary>The user a token belongs to, or null when it is unknown, revoked, or its user is disabled.</summary>
    public async Task<DashboardUser?> FindByTokenAsync(string token, CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        var name = await connection.QueryFirstOrDefaultAsync<string>(new CommandDefinition(
            "SELECT user_name FROM dashboard_tokens FINAL WHERE token_hash = @hash AND revoked_at IS NULL", new { hash = Hash(token) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return name is null ? null : await FindAsync(name, cancellationToken).ConfigureAwait(false) is { Disabled: false } user ? user : null;
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    private static string CheckName(string name)
    {
        name = (name ?? string.Empty).Trim().ToLowerInvariant();
        return NamePattern().IsMatch(name) ? name
            : throw new UserInputException($"--name: \"{name}\" không hợp lệ; dùng 3–64 ký tự a-z, 0-9, dấu chấm, gạch ngang, gạch dưới.");
    }

    private async Task WriteAsync(DashboardUser user, CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO dashboard_users (name, role, province_code, password_hash, failed_logins, locked_until, disabled, created_at, version) "
            + "VALUES (@Name, @Role, @Province, @PasswordHash, @FailedLogins, @LockedUntil, @Disabled, @CreatedAt, now64(6))",
            new
            {
                user.Name, Role = user.Role.Name(), user.Province, user.PasswordHash, FailedLogins = (ushort)Math.Min(user.FailedLogins, ushort.MaxValue),
                LockedUntil = user.LockedUntil?.UtcDateTime, user.Disabled, CreatedAt = user.CreatedAt.UtcDateTime,
            }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private const string Columns = "name AS Name, toString(role) AS Role, toString(province_code) AS Province, password_hash AS PasswordHash, "
        + "toInt32(failed_logins) AS FailedLogins, locked_until AS LockedUntil, disabled AS Disabled, created_at AS CreatedAt";

    [GeneratedRegex("^[a-z0-9._-]{3,64}$")]
    private static partial Regex NamePattern();

    private sealed record UserRow(string Name, string Role, string Province, string PasswordHash, int FailedLogins, DateTime? LockedUntil, bool Disabled, DateTime CreatedAt)
    {
        public DashboardUser ToUser() => new(Name, Enum.Parse<Role>(Role, ignoreCase: true), Province, PasswordHash, FailedLogins,
            LockedUntil is { } l ? new DateTimeOffset(DateTime.SpecifyKind(l, DateTimeKind.Utc)) : null, Disabled, new DateTimeOffset(DateTime.SpecifyKind(CreatedAt, DateTimeKind.Utc)));
    }
}
