using System.Globalization;
using Dapper;
using Microsoft.Extensions.Options;

namespace ReformMetrics.Store.Sources;

/// <summary>A source system as the operators see it: the provinces it writes for, its key, and when events it sent were
/// last accepted.</summary>
/// <param name="Provinces">2025 province codes; empty for a national source or a source not bound yet.</param>
/// <param name="CreatedAt">When its current key was created.</param>
/// <param name="LastAcceptedAt">When a request of it last stored events (the server clock, as events.ingested_at); null
/// when none ever did.</param>
public sealed record SourceStatus(
    string Name, IReadOnlyList<string> Provinces, bool AllProvinces, DateTimeOffset CreatedAt, bool Revoked, DateTimeOffset? LastAcceptedAt)
{
    /// <summary>True when the source, not revoked, has had nothing accepted for longer than <paramref name="limit"/>: since
    /// its last accepted request, or since its key was created when it never sent anything.</summary>
    public bool IsSilent(DateTimeOffset now, TimeSpan limit) => !Revoked && now - (LastAcceptedAt ?? CreatedAt) > limit;

    /// <summary>The administrators' warning for a silent source: "Không nhận dữ liệu từ motcua-tayninh (quá 2 giờ)".</summary>
    public string SilenceWarning(TimeSpan limit) => LastAcceptedAt is null
        ? $"Không nhận dữ liệu từ {Name} (quá {Duration(limit)} kể từ khi cấp khoá, chưa gửi lần nào)"
        : $"Không nhận dữ liệu từ {Name} (quá {Duration(limit)})";

    /// <summary>A limit as people say it: "2 giờ", "45 phút", "1 giờ 30 phút", "3 ngày".</summary>
    public static string Duration(TimeSpan span)
    {
        var vi = CultureInfo.GetCultureInfo("vi-VN");
        var parts = new List<string>();
        if (span.TotalHours >= 24 && span.TotalHours % 24 == 0)
        {
            return string.Create(vi, $"{(int)span.TotalDays:N0} ngày");
        }

        if ((int)span.TotalHours > 0)
        {
            parts.Add(string.Create(vi, $"{(int)span.TotalHours:N0} giờ"));
        }

        if (span.Minutes > 0 || parts.Count == 0)
        {
            parts.Add(string.Create(vi, $"{span.Minutes} phút"));
        }

        return string.Join(' ', parts);
    }
}

/// <summary>
/// When each source system last had events accepted (table source_activity, migration 0012): written by the intake after
/// each request that stored events, read by <c>reform sources list</c> and the administration page with the sources
/// themselves (api_sources), and judged against <see cref="FeedOptions.SilentSourceAfter"/>.
/// </summary>
/// <remarks>
/// One small insert per accepted request, instead of asking the events (700 M rows, keyed by dossier, not by source) or
/// the ledger of request bodies (one row per body, keyed by its hash) who sent last: the table merges down to one row per
/// source, so the read costs a few rows per source however much was loaded.
/// </remarks>
public sealed class SourceActivity(ClickHouseStore store, TimeProvider clock, IOptions<FeedOptions> options)
{
    /// <summary>How long a source may stay silent before it is flagged (Feed:SilentSourceAfter).</summary>
    public TimeSpan SilentAfter => options.Value.SilentSourceAfter;

    /// <summary>The clock silence is measured by.</summary>
    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>Records that a request of <paramref name="source"/> stored <paramref name="accepted"/> events, at the server's
    /// time (the clock of events.ingested_at).</summary>
    public async Task RecordAcceptedAsync(string source, long accepted, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(accepted);
        await using var connection = store.CreateConnection();
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO source_activity (source, last_accepted_at, accepted) SELECT @source, now64(6, 'UTC'), @accepted",
            new { source, accepted = (ulong)accepted }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Every source system, by name, with when its events were last accepted.</summary>
    public async Task<IReadOnlyList<SourceStatus>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        // The latest row of each source decides (re-keying or revoking a source writes a new one). Times travel as
        // microseconds since the epoch, so no time zone is guessed on the way.
        var rows = await connection.QueryAsync<(string Name, string[] Provinces, bool All, long Created, bool Revoked, long? LastAccepted)>(new CommandDefinition(
            """
            SELECT toString(s.name), arrayMap(p -> toString(p), s.bound_to), s.national, toUnixTimestamp64Micro(s.key_created),
                   s.is_revoked, toUnixTimestamp64Micro(a.last_accepted)
            FROM
            (
                SELECT name, argMax(provinces, created_at) AS bound_to, argMax(all_provinces, created_at) AS national,
                       toDateTime64(maxIf(created_at, NOT revoked), 6, 'UTC') AS key_created, argMax(revoked, created_at) AS is_revoked
                FROM api_sources GROUP BY name
            ) AS s
            LEFT JOIN
            (
                SELECT source, max(last_accepted_at) AS last_accepted FROM source_activity GROUP BY source
            ) AS a ON a.source = s.name
            ORDER BY s.name
            SETTINGS join_use_nulls = 1
            """,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => new SourceStatus(r.Name, r.Provinces, r.All, Instant(r.Created), r.Revoked, r.LastAccepted is { } last ? Instant(last) : null)).ToList();
    }

    private static DateTimeOffset Instant(long microseconds) => DateTimeOffset.UnixEpoch.AddTicks(microseconds * 10);
}
