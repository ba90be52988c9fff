using Dapper;
using ReformMetrics.Store;

namespace ReformMetrics.Metrics.Query;

/// <summary>
/// The version of the data answers are computed from (<see cref="Key"/>: the answer cache's key: the last refresh run,
/// record file load and migration), and the instant the
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
                concat(toString((SELECT count() FROM refresh_runs)), '|', toString((SELECT max(updated_at) FROM ingest_files)),
                       '|', toString((SELECT count() FROM schema_migrations))),
                (SELECT toUnixTimestamp64Micro(minOrNull(newest)) FROM (
                    SELECT shardNum() AS shard, max(watermark) AS newest FROM refresh_watermark WHERE name = @name GROUP BY shard))
            """,
            new { name = DossierStateWatermark },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        // The key changes when a refresh run changes the figures (a row journalled in refresh_runs, on any shard: the count,
        // since another shard's run numbers may stay below this one's), not when the watermark merely moves on while nothing
        // is new (the refresher writes it once a minute then): an idle feed keeps its cached answers. On a sharded store the
        // figures are complete up to the watermark of the shard that is furthest behind (shardNum() is 0 on one node).
        return new DataVersion(key, asOf is { } micros ? DateTimeOffset.UnixEpoch.AddTicks(micros * 10) : null);
    }
}
