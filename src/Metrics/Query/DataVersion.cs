using System.Globalization;
using Dapper;
using ReformMetrics.Store;

namespace ReformMetrics.Metrics.Query;

/// <summary>
/// The version of the data answers are computed from (<see cref="Key"/>: the answer cache's key), and the instant the
/// figures are complete up to (<see cref="AsOf"/>): the refresh watermark of the dossier state, before which every
/// accepted event (events.ingested_at) is included in dossier_state and the aggregates. Null when nothing was ever
/// refreshed. Both come from one small statement, which <see cref="KpiCache"/> runs at most once a second.
/// </summary>
public sealed record DataVersion(string Key, DateTimeOffset? AsOf)
{
    /// <summary>The name under which the refresher records how far the dossier state has been brought.</summary>
    public const string DossierStateWatermark = "dossier_state";

    public static async Task<DataVersion> ReadAsync(ClickHouseStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var connection = store.CreateConnection();
        // The watermark travels as microseconds since the epoch (its own precision), so no time zone is guessed on the way.
        var (key, asOf) = await connection.QuerySingleAsync<(string Key, long? AsOf)>(new CommandDefinition(
            """
            SELECT
                concat(toString((SELECT max(watermark) FROM refresh_watermark)), '|', toString((SELECT max(updated_at) FROM ingest_files)),
                       '|', toString((SELECT count() FROM schema_migrations))),
                (SELECT toUnixTimestamp64Micro(maxOrNull(watermark)) FROM refresh_watermark WHERE name = @name)
            """,
            new { name = DossierStateWatermark },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        // The key names the watermark itself too (not only the latest of every refresh's), so that an answer kept for a key
        // was computed at exactly that watermark, whatever else the refresh records.
        return new DataVersion(string.Create(CultureInfo.InvariantCulture, $"{key}|{asOf}"), asOf is { } micros ? DateTimeOffset.UnixEpoch.AddTicks(micros * 10) : null);
    }
}
