using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.Logging;
using ReformMetrics.Store;
using ReformMetrics.Store.Refresh;

namespace ReformMetrics.Metrics.Query.Mirror;

/// <summary>
/// The pre-aggregates' month rows, held in the service's memory and kept equal to the store's at each data version, so
/// that the pages' questions over whole months are answered without a statement (issue 20: the engine's floor per
/// statement, 5–20 ms of CPU on 2 cores, forbids ≤ 100 ms p95 for 16 readers during the feed). This is not an answer
/// cache: every answer is still computed for its own question from the rows; the rows are a copy of kpi_monthly and of
/// kpi_daily by month.
/// </summary>
/// <remarks>
/// Followed run by run, not reloaded: every incremental refresh run writes its change by month to rollup_deltas before it
/// is journalled done, and a new data version adds the rows of the runs done since (what the runs changed, not what the
/// months hold). A run that rebuilt cohorts, a change of schema, a journal that went backwards or a mirror more than a
/// day behind (the deltas are kept two days) reload it whole, with refresh runs held off meanwhile
/// (<see cref="DossierRefresher.ExclusiveAsync"/>): a run read half written would be applied twice. Above
/// <see cref="RowLimit"/> rows the mirror stands down and the engine answers (bounded memory).
/// </remarks>
public sealed class RollupMirror(ClickHouseStore store, ILogger<RollupMirror> logger, TimeProvider? clock = null) : IDisposable
{
    private static readonly TimeSpan WholeAfter = TimeSpan.FromDays(1);
    private static readonly TimeSpan LagAtMost = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly SemaphoreSlim _update = new(1, 1);
    private Followed? _followed;

    /// <summary>The rows kept at most (every grain); beyond, questions go to the engine.</summary>
    public int RowLimit { get; init; } = 4_000_000;

    /// <summary>The rows held now (every grain; 0 while standing down).</summary>
    public long Rows => _followed is { Usable: true } followed ? followed.State.Count : 0;

    /// <summary>Brings the rows to the store's current version (what the first question does otherwise).</summary>
    public async Task UpdateAsync(CancellationToken cancellationToken) =>
        await AtAsync(await DataVersion.ReadAsync(store, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>Whether a background service (<see cref="RollupMirrorFollower"/>) brings the rows to each new version.</summary>
    public bool FollowedInBackground { get; set; }

    /// <summary>The rows for a question that read <paramref name="version"/>, and how fresh they are: at least that version
    /// (its <see cref="DataVersion.AsOf"/>); null when the mirror stands down (too many rows). With
    /// <paramref name="mayLag"/> (an answer that is not kept, and says how fresh it is), while the background follower has
    /// not applied the version yet the rows it holds are returned with their own, older, freshness, rather than the
    /// question waiting for the runs to be read from the store (under a national feed that read waits behind the refresh
    /// and the intake); never rows more than <see cref="LagAtMost"/> behind.</summary>
    internal async Task<Mirrored?> AtAsync(DataVersion version, CancellationToken cancellationToken, bool mayLag = false)
    {
        var seen = Volatile.Read(ref _followed);
        if (seen is not null && seen.Checked.Contains(version.Key))
        {
            return seen.Usable ? new Mirrored(seen.State, version.AsOf) : null;
        }

        if (mayLag && FollowedInBackground && seen is { Usable: true } && _clock.GetUtcNow() - seen.At < LagAtMost)
        {
            return new Mirrored(seen.State, seen.AsOf);
        }

        await _update.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = _followed;
            if (current is null || !current.Checked.Contains(version.Key))
            {
                current = await FollowAsync(current, cancellationToken).ConfigureAwait(false);
                // Every key checked before this read is at most as fresh as the rows now held (keys change at most once a second).
                current = current with
                {
                    Checked = current.Checked.Add(version.Key) is var keys && keys.Count > 32 ? keys.RemoveAt(0) : keys,
                    AsOf = current.AsOf is { } held && (version.AsOf is null || held > version.AsOf) ? held : version.AsOf,
                };
                Volatile.Write(ref _followed, current);
            }

            return current.Usable ? new Mirrored(current.State, version.AsOf) : null;
        }
        finally
        {
            _update.Release();
        }
    }

    public void Dispose() => _update.Dispose();

    private async Task<Followed> FollowAsync(Followed? current, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var connection = store.CreateConnection();
        var (migrations, journalRows, feedbackStamp) = await SchemaAndJournalAsync(connection, cancellationToken).ConfigureAwait(false);
        if (current is null || current.Migrations != migrations || journalRows < current.JournalRows || _clock.GetUtcNow() - current.At > WholeAfter)
        {
            return await WholeAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!current.Usable)
        {
            // Standing down (too many rows, or replicas): nothing to follow until a whole reload says otherwise.
            return current;
        }

        if (current.State.Feedback.Stamp != feedbackStamp)
        {
            // Swapped whole under the write lock: a reader sums the items of one reading.
            var feedback = await MirrorFeedback.ReadAsync(store, current.State, feedbackStamp, cancellationToken).ConfigureAwait(false);
            current.State.Lock.EnterWriteLock();
            current.State.Feedback = feedback;
            current.State.Lock.ExitWriteLock();
        }

        var runs = (await connection.QueryAsync<(uint Shard, ulong Run, bool Done, bool Rebuilt)>(new CommandDefinition(
            """
            SELECT toUInt32(shardNum()) AS shard, run, max(state = 'done') = 1, max(kind = 'cohorts') = 1
            FROM refresh_runs WHERE run > @after GROUP BY shard, run ORDER BY shard, run
            """, new { after = current.Applied.Values.DefaultIfEmpty(0UL).Min() }, cancellationToken: cancellationToken)).ConfigureAwait(false))
            .Where(r => r.Run > current.Applied.GetValueOrDefault(r.Shard)).ToList();
        if (runs.Exists(r => r.Rebuilt))
        {
            return await WholeAsync(cancellationToken).ConfigureAwait(false);
        }

        // Each shard's runs in order, up to the first one not done yet (read again at the next version).
        var applied = new Dictionary<uint, ulong>(current.Applied);
        var ready = new List<(uint Shard, ulong Run)>();
        foreach (var shard in runs.GroupBy(r => r.Shard))
        {
            foreach (var run in shard.TakeWhile(r => r.Done))
            {
                ready.Add((run.Shard, run.Run));
                applied[run.Shard] = run.Run;
            }
        }

        if (ready.Count > 0)
        {
            // Read first, applied after under the write lock: readers wait for the additions, not for the statement.
            var deltas = new List<DeltaRow>();
            await ReadAsync(
                $"""
                SELECT toUInt32(shardNum()) AS shard, run, {MirrorColumns.Keys}, {string.Join(", ", PreAggregates.Measures.Select(c => c.Name))}
                FROM rollup_deltas WHERE has(@runs, run)
                """, new { runs = ready.Select(r => r.Run).Distinct().ToArray() }, first: 2,
                (record, row) =>
                {
                    if (ready.Contains((Convert.ToUInt32(record.GetValue(0), CultureInfo.InvariantCulture), Convert.ToUInt64(record.GetValue(1), CultureInfo.InvariantCulture))))
                    {
                        deltas.Add(row);
                    }
                }, cancellationToken).ConfigureAwait(false);
            current.State.Lock.EnterWriteLock();
            try
            {
                foreach (var row in deltas)
                {
                    current.State.AddDelta(row);
                }
            }
            catch (OverflowException)
            {
                // Applied in part: the rows are no longer the store's. Stand down until a whole reload.
                logger.LogWarning("Rollup mirror: a sum exceeds its Int32 room; the engine answers every question");
                return current with { Usable = false };
            }
            finally
            {
                current.State.Lock.ExitWriteLock();
            }

            logger.LogDebug("Rollup mirror: {Runs} runs applied ({Rows} delta rows) in {Elapsed} ms", ready.Count, deltas.Count, stopwatch.ElapsedMilliseconds);
        }

        return current with { Applied = applied, JournalRows = journalRows, At = _clock.GetUtcNow(), Usable = current.State.Count <= RowLimit };
    }

    /// <summary>Reads both pre-aggregates whole with refresh runs held off, and how far each shard's runs are included.</summary>
    private async Task<Followed> WholeAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        using var exclusive = await DossierRefresher.ExclusiveAsync(store, cancellationToken).ConfigureAwait(false);
        await using var connection = store.CreateConnection();
        var (migrations, journalRows, feedbackStamp) = await SchemaAndJournalAsync(connection, cancellationToken).ConfigureAwait(false);
        var applied = (await connection.QueryAsync<(uint Shard, ulong Run)>(new CommandDefinition(
            "SELECT toUInt32(shardNum()) AS shard, max(run) FROM refresh_runs GROUP BY shard", cancellationToken: cancellationToken)).ConfigureAwait(false))
            .ToDictionary(r => r.Shard, r => r.Run);
        var state = new MirrorState();
        if (store.Cluster is { } cluster && await connection.ExecuteScalarAsync<ulong>(new CommandDefinition(
                "SELECT max(replica_num) FROM system.clusters WHERE cluster = @cluster", new { cluster }, cancellationToken: cancellationToken)).ConfigureAwait(false) > 1)
        {
            // Replicas fed by the Distributed table refresh each on its own, with run numbers of their own: the journal read
            // from one replica does not say which rows of another's deltas are new. The statements answer there.
            logger.LogInformation("Rollup mirror: the shards have several replicas; the engine answers every question");
            return new Followed(state, applied, migrations, journalRows, _clock.GetUtcNow(), Usable: false, []);
        }

        try
        {
            await LoadAsync(state, cancellationToken).ConfigureAwait(false);
            state.Feedback = await MirrorFeedback.ReadAsync(store, state, feedbackStamp, cancellationToken).ConfigureAwait(false);
        }
        catch (OverflowException)
        {
            logger.LogWarning("Rollup mirror: a sum exceeds its Int32 room; the engine answers every question");
            return new Followed(new MirrorState(), applied, migrations, journalRows, _clock.GetUtcNow(), Usable: false, []);
        }

        foreach (var grain in state.Grains)
        {
            grain.Trim();
        }

        var usable = state.Count <= RowLimit;
        if (!usable)
        {
            logger.LogWarning("Rollup mirror: {Rows} rows exceed its limit of {Limit} (Kpi:RollupMirrorRows); the engine answers every question", state.Count, RowLimit);
            state = new MirrorState();
        }

        logger.LogInformation("Rollup mirror loaded whole: {Rows} rows in {Elapsed} ms", state.Count, stopwatch.ElapsedMilliseconds);
        return new Followed(state, applied, migrations, journalRows, _clock.GetUtcNow(), usable, []);
    }

    /// <summary>The migrations applied and the journal's rows: a change of the first, or fewer of the second, reloads
    /// everything; and the feedback table's stamp: a change reads the items again.</summary>
    private static Task<(ulong Migrations, ulong JournalRows, string FeedbackStamp)> SchemaAndJournalAsync(
        System.Data.Common.DbConnection connection, CancellationToken cancellationToken) =>
        connection.QuerySingleAsync<(ulong, ulong, string)>(new CommandDefinition(
            $"SELECT (SELECT count() FROM schema_migrations), (SELECT count() FROM refresh_runs), {MirrorFeedback.StampSql}", cancellationToken: cancellationToken));

    /// <summary>Both pre-aggregates whole, added as they are read (the state is not shared yet: no second copy in memory).</summary>
    private async Task LoadAsync(MirrorState state, CancellationToken cancellationToken)
    {
        await ReadAsync(
            $"""
            SELECT month, province_2025, province_2008, level, '' AS agency_code, sector_code, channel, {MirrorColumns.Rollups(histogram: true)}
            FROM kpi_monthly GROUP BY month, province_2025, province_2008, level, sector_code, channel
            """, null, first: 0, (_, row) => state.AddMonthly(row), cancellationToken).ConfigureAwait(false);
        await ReadAsync(
            $"""
            SELECT toStartOfMonth(day) AS month, province_2025, province_2008, level, agency_code, '' AS sector_code, channel, {MirrorColumns.Rollups(histogram: false)}
            FROM kpi_daily GROUP BY month, province_2025, province_2008, level, agency_code, channel
            """, null, first: 0, (_, row) => state.AddDaily(row), cancellationToken).ConfigureAwait(false);
    }

    private async Task ReadAsync(string sql, object? parameters, int first, Action<System.Data.IDataRecord, DeltaRow> add, CancellationToken cancellationToken)
    {
        var shared = new Dictionary<string, string>(StringComparer.Ordinal);
        string Share(string text) => shared.TryGetValue(text, out var known) ? known : shared[text] = text;
        await using var connection = store.CreateConnection();
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            add(reader, MirrorColumns.Read(reader, first, Share));
        }
    }

    /// <summary>What the mirror holds and how far it follows the journal: the last run applied on each shard.</summary>
    /// <param name="AsOf">How fresh the rows are: the newest <see cref="DataVersion.AsOf"/> among the versions checked.</param>
    private sealed record Followed(
        MirrorState State, IReadOnlyDictionary<uint, ulong> Applied, ulong Migrations, ulong JournalRows, DateTimeOffset At, bool Usable,
        ImmutableList<string> Checked, DateTimeOffset? AsOf = null);
}

/// <summary>The rows a question reads, and the instant they are complete up to.</summary>
internal sealed record Mirrored(MirrorState State, DateTimeOffset? AsOf);

/// <summary>The mirror's rows: every grain, and the lock readers hold while they sum rows (runs are applied in place).</summary>
internal sealed class MirrorState
{
    public MirrorNames Names { get; } = new();

    public GrainRows[] Grains { get; } = [new(MirrorGrain.Provinces), new(MirrorGrain.Sectors), new(MirrorGrain.Agencies)];

    public ReaderWriterLockSlim Lock { get; } = new(LockRecursionPolicy.NoRecursion);

    /// <summary>The feedback items and the working-day index (replaced whole, under the write lock).</summary>
    public MirrorFeedback Feedback { get; set; } = MirrorFeedback.None;

    public long Count => Grains.Sum(g => (long)g.Count) + Feedback.Count;

    /// <summary>A row of kpi_monthly: the provinces and sectors grains.</summary>
    public void AddMonthly(DeltaRow row)
    {
        Grains[(int)MirrorGrain.Provinces].Add(Names, row);
        Grains[(int)MirrorGrain.Sectors].Add(Names, row);
    }

    /// <summary>A row of kpi_daily by month: the agencies grain.</summary>
    public void AddDaily(DeltaRow row) => Grains[(int)MirrorGrain.Agencies].Add(Names, row);

    /// <summary>A run's change: what it added to both tables.</summary>
    public void AddDelta(DeltaRow row)
    {
        AddMonthly(row);
        AddDaily(row);
    }
}
