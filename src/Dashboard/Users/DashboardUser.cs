namespace ReformMetrics.Dashboard.Users;

/// <summary>A dashboard user as stored (the newest version of its row).</summary>
public sealed record DashboardUser(
    string Name, Role Role, string Province, string PasswordHash, int FailedLogins, DateTimeOffset? LockedUntil, bool Disabled, DateTimeOffset CreatedAt);

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
