using Dapper;
using ReformMetrics.Store;

namespace ReformMetrics.Dashboard.Users;

/// <summary>Logins, failed logins, lockouts, exports and user changes, appended to the audit_log table.</summary>
public sealed class AuditLog(ClickHouseStore store, TimeProvider clock)
{
    public async Task WriteAsync(string user, string action, string detail, string? remote, CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO audit_log (at, user_name, action, detail, remote) VALUES (@at, @user, @action, @detail, @remote)",
            new { at = clock.GetUtcNow().UtcDateTime, user, action, detail, remote = remote ?? string.Empty }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<(DateTime At, string User, string Action, string Detail)>> RecentAsync(int count, CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        return (await connection.QueryAsync<(DateTime, string, string, string)>(new CommandDefinition(
            "SELECT at, user_name, toString(action), detail FROM audit_log ORDER BY at DESC LIMIT @count", new { count }, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
    }
}
