namespace ReformMetrics.Dashboard.Users;

/// <summary>A dashboard user as stored (the newest version of its row). The security stamp changes with the role, the
/// province, the password and the disabled state; a session cookie is valid only while it carries the current one.</summary>
public sealed record DashboardUser(
    string Name, Role Role, string Province, string PasswordHash, int FailedLogins, DateTimeOffset? LockedUntil, bool Disabled, DateTimeOffset CreatedAt,
    string SecurityStamp);

/// <summary>An API token as listed: its short id (the first 12 hex digits of its SHA-256), never the token itself.</summary>
public sealed record ApiTokenInfo(string Id, string User, string Label, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt);

/// <summary>Why a login succeeded or not. Unknown users and wrong passwords are told apart only in the audit log.</summary>
public enum LoginOutcome
{
    Success,
    WrongPassword,
    UnknownUser,
    LockedOut,
    Disabled,
}

/// <summary>The error a user sees when an input is refused, in Vietnamese, naming the field.</summary>
public sealed class UserInputException(string message) : Exception(message);
