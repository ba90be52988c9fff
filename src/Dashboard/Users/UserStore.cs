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
/// checked one at a time in this process so that two failures never count as one. A change of role, province,
/// password or disabled state gives the user a new security stamp, which ends their sessions at the next request.
/// </summary>
public sealed partial class UserStore(ClickHouseStore store, IOptions<DashboardOptions> options, TimeProvider clock, IPasswordHasher<DashboardUser> hasher)
{
    private static readonly SemaphoreSlim LoginLock = new(1, 1);
    private const int MaxStamps = 10_000;

    // The stamps read, with when and at which count of this service's user writes (Dashboard:SessionCheckSeconds).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string? Stamp, DateTimeOffset At, long Writes)> _stamps = new(StringComparer.Ordinal);
    private long _writes;

    // Checked when the name is unknown, so that an unknown name costs the same hashing as a known one. Hashed by the
    // same hasher (same algorithm and iteration count as the stored hashes), once.
    private static readonly DashboardUser Nobody = new(string.Empty, Role.National, string.Empty, string.Empty, 0, null, true, default, string.Empty);
    private readonly Lazy<string> _nobodyHash = new(() => hasher.HashPassword(Nobody, Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))));

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

        // A disabled account stays disabled when it is edited: only `users enable` lets it in again.
        var existing = await FindAsync(name, cancellationToken).ConfigureAwait(false);
        var user = new DashboardUser(name, role, province, string.Empty, 0, null, existing?.Disabled ?? false, existing?.CreatedAt ?? clock.GetUtcNow(), NewStamp());
        user = user with { PasswordHash = hasher.HashPassword(user, password) };
        await WriteAsync(user, cancellationToken).ConfigureAwait(false);
        return user;
    }

    /// <summary>Disables or enables an account. Either way its sessions end; while disabled it cannot sign in and its API
    /// tokens are refused (they work again once it is enabled, unless revoked or expired).</summary>
    public async Task<DashboardUser> SetDisabledAsync(string name, bool disabled, CancellationToken cancellationToken)
    {
        var user = await FindAsync(name, cancellationToken).ConfigureAwait(false) ?? throw new UserInputException($"tên: không có người dùng \"{name}\".");
        user = user with { Disabled = disabled, SecurityStamp = NewStamp() };
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

    /// <summary>The security stamp a session of this user must carry, or null when the user is gone or disabled. Asked on
    /// every request that carries a session cookie, so it reads two columns of one row and nothing else.</summary>
    public async Task<string?> SessionStampAsync(string name, CancellationToken cancellationToken)
    {
        var trusted = TimeSpan.FromSeconds(options.Value.SessionCheckSeconds);
        var written = Volatile.Read(ref _writes);
        if (trusted > TimeSpan.Zero && _stamps.TryGetValue(name, out var seen) && seen.Writes == written && clock.GetUtcNow() - seen.At < trusted)
        {
            return seen.Stamp;
        }

        var at = clock.GetUtcNow();
        await using var connection = store.CreateConnection();
        var row = await connection.QueryFirstOrDefaultAsync<(string Stamp, bool Disabled)>(new CommandDefinition(
            "SELECT security_stamp, disabled FROM dashboard_users FINAL WHERE name = @name", new { name }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var stamp = row is { Disabled: false, Stamp: { } current } ? current : null;
        if (trusted > TimeSpan.Zero && _stamps.Count < MaxStamps)
        {
            // Read before any write of this service that followed it? Then it is not kept (the writes counter moved).
            _stamps[name] = (stamp, at, written);
        }

        return stamp;
    }

    /// <summary>Checks a password, counting failures and locking the account after too many in a row. Every outcome costs
    /// exactly one password verification, so the time taken does not tell whether the name exists.</summary>
    public async Task<(LoginOutcome Outcome, DashboardUser? User)> LoginAsync(string name, string password, CancellationToken cancellationToken)
    {
        await LoginLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var user = await FindAsync(name, cancellationToken).ConfigureAwait(false);
            var now = clock.GetUtcNow();
            if (user is null)
            {
                hasher.VerifyHashedPassword(Nobody, _nobodyHash.Value, password);
                return (LoginOutcome.UnknownUser, null);
            }

            var verified = hasher.VerifyHashedPassword(user, user.PasswordHash, password) != PasswordVerificationResult.Failed;
            if (user.Disabled)
            {
                return (LoginOutcome.Disabled, user);
            }

            if (user.LockedUntil is { } until && until > now)
            {
                return (LoginOutcome.LockedOut, user);
            }

            if (!verified)
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

    private static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static string CheckName(string name)
    {
        name = (name ?? string.Empty).Trim().ToLowerInvariant();
        return NamePattern().IsMatch(name) ? name
            : throw new UserInputException($"--name: \"{name}\" không hợp lệ; dùng 3–64 ký tự a-z, 0-9, dấu chấm, gạch ngang, gạch dưới.");
    }

    private async Task WriteAsync(DashboardUser user, CancellationToken cancellationToken)
    {
        // Every stamp read before this write is stale from now on, and so is one read while it runs.
        ForgetStamps();
        await using var connection = store.CreateConnection();
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO dashboard_users (name, role, province_code, password_hash, failed_logins, locked_until, disabled, created_at, security_stamp, version) "
            + "VALUES (@Name, @Role, @Province, @PasswordHash, @FailedLogins, @LockedUntil, @Disabled, @CreatedAt, @SecurityStamp, now64(6))",
            new
            {
                user.Name, Role = user.Role.Name(), user.Province, user.PasswordHash, FailedLogins = (ushort)Math.Min(user.FailedLogins, ushort.MaxValue),
                LockedUntil = user.LockedUntil?.UtcDateTime, user.Disabled, CreatedAt = user.CreatedAt.UtcDateTime, user.SecurityStamp,
            }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        // A stamp read while the row was being written may be the old one: not trusted either.
        ForgetStamps();
    }

    private void ForgetStamps()
    {
        Interlocked.Increment(ref _writes);
        _stamps.Clear();
    }

    private const string Columns = "name AS Name, toString(role) AS Role, toString(province_code) AS Province, password_hash AS PasswordHash, "
        + "toInt32(failed_logins) AS FailedLogins, locked_until AS LockedUntil, disabled AS Disabled, created_at AS CreatedAt, security_stamp AS SecurityStamp";

    [GeneratedRegex("^[a-z0-9._-]{3,64}$")]
    private static partial Regex NamePattern();

    private sealed record UserRow(string Name, string Role, string Province, string PasswordHash, int FailedLogins, DateTime? LockedUntil, bool Disabled, DateTime CreatedAt, string SecurityStamp)
    {
        public DashboardUser ToUser() => new(Name, Enum.Parse<Role>(Role, ignoreCase: true), Province, PasswordHash, FailedLogins,
            LockedUntil is { } l ? new DateTimeOffset(DateTime.SpecifyKind(l, DateTimeKind.Utc)) : null, Disabled, new DateTimeOffset(DateTime.SpecifyKind(CreatedAt, DateTimeKind.Utc)),
            SecurityStamp);
    }
}
