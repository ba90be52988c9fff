using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using ClickHouse.Driver;
using Dapper;
using Microsoft.Extensions.Logging;
using ReformMetrics.Ingest.Contract;
using ReformMetrics.Ingest.Ledger;
using ReformMetrics.Store;

namespace ReformMetrics.Ingest.Loading;

/// <summary>
/// Stores batches exactly once. Per batch: drop events repeated within it; drop those already in <c>events</c>
/// (looked up by the batch's dossiers in the batch's months, on the primary key); insert the rest as one Native block
/// with an insert_deduplication_token derived from the batch and the events it carries; store its rejected rows
/// in quarantine; then record the batch, unless it is the source's last (the source's "done" row, written next, stands
/// for it). Every step is retried while ClickHouse is unavailable.
/// </summary>
/// <remarks>
/// A crash at any point leaves either nothing of the batch, or its events without its record: the next run
/// re-reads the batch, finds those events stored by this same batch (events.load_id) and counts them as
/// accepted without inserting them again; an event stored by any other load is a duplicate. Loads of one process run at the
/// same time through the <see cref="IngestCoordinator"/>: a batch is prepared against the batches of every load that are not
/// stored yet (<see cref="InFlightBatches"/>). Two processes must not store the same events at the same moment (one ingestion
/// service per store; the embedded store takes a file lock).
/// </remarks>
public sealed class EventLoader(ClickHouseStore store, SourceLedger ledger, IngestCoordinator coordinator, ILogger<EventLoader> logger)
{

    // How many rows ahead of the probed one the key indexes' slots are prefetched: enough to cover a trip to memory.
    private const int PrefetchAhead = 8;

    /// <summary>
    /// Finds the events repeated within the batch and the batch's dossiers, in memory. The reader calls it before it
    /// hands the batch over, so this work runs beside the store's, not in its path.
    /// </summary>
    [MethodImpl(HotPath.Options)]
    public static void Index(IngestBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var events = batch.Events;
        var scratch = events.Scratch;
        scratch.Events.Reset(events, withEvent: true);
        scratch.Dossiers.Reset(events, withEvent: false);
        scratch.Prepare(events.Count);
        var keep = scratch.Keep;
        var hashes = scratch.EventHashes;
        var dossierHashes = scratch.DossierHashes;
        var count = events.Count;
        for (var row = 0; row < count; row++)
        {
            var dossierHash = EventKeyIndex.DossierHash(events.DossierId.Entry(row));
            dossierHashes[row] = EventKeyIndex.Fold(dossierHash);
            hashes[row] = EventKeyIndex.EventHash(dossierHash, events.EventId.Entry(row));
        }

        long repeated = 0;
        var excluded = scratch.Excluded;
        for (var row = 0; row < count; row++)
        {
            if (row + PrefetchAhead < count)
            {
                scratch.Events.Prefetch(hashes[row + PrefetchAhead]);
                scratch.Dossiers.Prefetch(dossierHashes[row + PrefetchAhead]);
            }

            if (excluded is not null && excluded[row])
            {
                keep[row] = false;
                continue;
            }

            keep[row] = scratch.Events.AddOrGet(row, hashes[row]) < 0;
            if (!keep[row])
            {
                repeated++;
            }
            else if (row == 0 || (excluded is not null && excluded[row - 1]) || !events.DossierId.Entry(row).SequenceEqual(events.DossierId.Entry(row - 1)))
            {
                // A dossier's events often come together: the same dossier as the row before is in the index already
                // (that row, or the earlier event it repeats, put it there).
                scratch.Dossiers.AddOrGet(row, dossierHashes[row]);
            }
        }

        scratch.RepeatedWithin = repeated;
        scratch.Indexed = true;
    }

    /// <summary>
    /// Works out what of the batch to insert: drops events repeated within it, those already stored, and those of the
    /// batches of any load that are prepared but not stored yet, which the look-up cannot see (<see cref="InFlightBatches"/>);
    /// then registers the batch there itself. Every batch prepared must then go through <see cref="CommitAsync"/> or
    /// <see cref="AbandonAsync"/>, which take it out of the register.
    /// </summary>
    public async Task<PreparedBatch> PrepareAsync(IngestBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var events = batch.Events;
        var scratch = events.Scratch;
        if (!scratch.Indexed)
        {
            Index(batch);
        }

        var keep = scratch.Keep;
        var duplicates = scratch.RepeatedWithin;
        long accepted = 0;
        var loadId = LoadId(batch);
        // Joining first, then looking up: a batch stored before this point is found by the look-up, one not stored yet is
        // among those taken here (this load's previous batch, other loads' batches).
        var (own, before) = coordinator.InFlight.Join(batch);
        HashSet<InFlightBatches.Entry>? dependsOn = null;
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var stored = await StoredAsync(events, cancellationToken).ConfigureAwait(false);
            logger.LogDebug("Batch {Batch}: looked up {Dossiers} dossiers in {Lookup} ms, {Stored} events stored, {Pending} batches not stored yet",
                batch.Number, scratch.Dossiers.Count, (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, stored.Count, before.Count);
            foreach (var (dossier, eventId, storedBy) in stored)
            {
                var dossierEntry = Utf8Column.EntryOf(dossier);
                var eventEntry = Utf8Column.EntryOf(eventId);
                var row = scratch.Events.Find(EventKeyIndex.EventHash(dossierEntry, eventEntry), dossierEntry, eventEntry);
                if (row < 0 || !keep[row])
                {
                    continue;
                }

                keep[row] = false;
                if (storedBy == loadId)
                {
                    accepted++; // stored by an earlier, interrupted attempt at this very batch
                }
                else
                {
                    duplicates++;
                }
            }

            var pending = before.Select(e => e.Batch.Events.Scratch.Events).ToArray();
            var selected = scratch.Selected;
            var count = 0;
            for (var row = 0; row < events.Count; row++)
            {
                if (row + PrefetchAhead < events.Count)
                {
                    foreach (var other in pending)
                    {
                        other.Prefetch(scratch.EventHashes[row + PrefetchAhead]);
                    }
                }

                if (!keep[row])
                {
                    continue;
                }

                var inFlight = -1;
                for (var i = 0; i < pending.Length && inFlight < 0; i++)
                {
                    if (pending[i].Find(scratch.EventHashes[row], events.DossierId.Entry(row), events.EventId.Entry(row)) >= 0)
                    {
                        inFlight = i;
                    }
                }

                if (inFlight >= 0)
                {
                    (dependsOn ??= []).Add(before[inFlight]);
                    duplicates++;
                    continue;
                }

                selected[count++] = row;
            }

            scratch.SelectedCount = count;
        }
        catch (Exception ex)
        {
            coordinator.InFlight.Leave(own, ex);
            throw;
        }
        finally
        {
            foreach (var entry in before)
            {
                entry.DoneReading();
            }
        }

        return new PreparedBatch(batch, accepted, duplicates, own, dependsOn?.ToArray() ?? []);
    }

    /// <summary>Takes a prepared batch that will not be committed (its load failed or was cancelled) out of the register;
    /// the batches that counted on it fail too.</summary>
    public void Abandon(PreparedBatch prepared, Exception failure)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        coordinator.InFlight.Leave(prepared.Registration, failure);
    }

    /// <summary>Inserts what <see cref="PrepareAsync"/> kept, quarantines the rejected rows and records the batch (but the
    /// last: if the load stops before the source's "done" row, its resumption finds that batch's events by their load id).</summary>
    public async Task<BatchOutcome> CommitAsync(PreparedBatch prepared, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        var batch = prepared.Batch;
        try
        {
            if (prepared.ToInsert > 0)
            {
                await InsertEventsAsync(batch, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            coordinator.InFlight.Leave(prepared.Registration, ex);
            throw;
        }

        // Inserted: a look-up from now on finds these events, the register need not hold them any more.
        coordinator.InFlight.Leave(prepared.Registration);
        // Events counted as duplicates of batches being stored meanwhile are only duplicates once those are stored: this
        // batch is not stored (for those counting on it) nor recorded before, and fails with them (its resumption then
        // finds what they left).
        try
        {
            foreach (var other in prepared.DependsOn)
            {
                await other.Stored.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            prepared.Registration.SetFailed(ex);
            throw;
        }

        prepared.Registration.SetStored();

        if (batch.Rejections.Count > 0)
        {
            await ledger.QuarantineAsync(batch.FileKey, batch.Source, batch.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), batch.Rejections, cancellationToken).ConfigureAwait(false);
        }

        var accepted = prepared.AlreadyStored + prepared.ToInsert;
        if (batch.IsLast)
        {
            return new BatchOutcome(accepted, prepared.Duplicates, batch.Rejections.Count);
        }

        await Retry.RunAsync(store, "record batch", async token =>
        {
            await using var connection = store.CreateConnection();
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO ingest_batches (file_key, batch, first_row, last_row, accepted, duplicates, rejected)
                SELECT @fileKey, @batch, @firstRow, @lastRow, @accepted, @duplicates, @rejected
                """,
                new
                {
                    fileKey = batch.FileKey, batch = batch.Number, firstRow = (ulong)batch.FirstRow, lastRow = (ulong)batch.LastRow,
                    accepted = (uint)accepted, duplicates = (uint)prepared.Duplicates, rejected = (uint)batch.Rejections.Count,
                },
                cancellationToken: token)).ConfigureAwait(false);
        }, logger, cancellationToken).ConfigureAwait(false);

        return new BatchOutcome(accepted, prepared.Duplicates, batch.Rejections.Count);
    }

    /// <summary>Events stored before with a dossier of the batch, in the batch's months: (dossier, event id, load that stored it).</summary>
    private async Task<List<(string Dossier, string EventId, string LoadId)>> StoredAsync(EventColumns events, CancellationToken cancellationToken)
    {
        var dossiers = events.Scratch.Dossiers;

        if (dossiers.Count == 0)
        {
            return [];
        }

        // A repeated event carries the same occurred_at, so only the batch's months (partitions) need looking at.
        var months = new HashSet<uint>();
        long monthStart = 1, monthEnd = 0;
        foreach (var at in events.OccurredAtMs)
        {
            if (at < monthStart || at >= monthEnd)
            {
                (var month, monthStart, monthEnd) = MonthOf(at);
                months.Add(month);
            }
        }

        var parameters = new DynamicParameters();
        parameters.Add("months", months.ToArray());
        var list = StringListParameter.Add(parameters, "dossiers", dossiers.Rows().Select(events.DossierId.GetString));
        return await Retry.RunAsync(store, "look up stored events", async token =>
        {
            await using var connection = store.CreateConnection();
            return (await connection.QueryAsync<(string Dossier, string EventId, string LoadId)>(new CommandDefinition(
                $"""
                SELECT dossier_id, event_id, toString(load_id) FROM events
                WHERE dossier_id IN (SELECT arrayJoin({list})) AND toYYYYMM(occurred_at) IN (SELECT arrayJoin(@months))
                """,
                parameters, cancellationToken: token)).ConfigureAwait(false)).ToList();
        }, logger, cancellationToken).ConfigureAwait(false);
    }

    private async Task InsertEventsAsync(IngestBatch batch, CancellationToken cancellationToken)
    {
        var native = coordinator.RentWriter();
        try
        {
            await InsertEventsAsync(batch, native, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            coordinator.ReturnWriter(native);
        }
    }

    private async Task InsertEventsAsync(IngestBatch batch, NativeBlockWriter native, CancellationToken cancellationToken)
    {
        var events = batch.Events;
        var rows = events.Scratch.Selected.AsSpan(0, events.Scratch.SelectedCount);
        native.Write(events, rows, batch.Source, LoadId(batch));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{batch.FileKey}/{batch.Number}/"));
        for (var index = 0; index < rows.Length;)
        {
            // The same bytes as entry after entry, in a few large pieces.
            hash.AppendData(events.EventId.NextRun(rows, ref index));
        }

        // The token names exactly these events: a retry after a lost response is dropped by ClickHouse, while a
        // resumed batch that found part of its events stored carries other events and so another token.
        var token = Convert.ToHexStringLower(hash.GetHashAndReset());
        var options = new QueryOptions
        {
            CustomSettings = new Dictionary<string, object>
            {
                ["async_insert"] = 0,
                ["insert_deduplicate"] = 1,
                ["insert_deduplication_token"] = token,
            },
        };
        await Retry.RunAsync(store, "insert events", async cancel =>
        {
            try
            {
                using var response = await store.Client.InsertRawStreamAsync(
                    "events", Stream(native.Written), "Native", NativeBlockWriter.Columns,
                    useCompression: store.Engine is null, options, cancel).ConfigureAwait(false);
            }
            catch (ClickHouseServerException ex) when (store.Cluster is not null && ReformMetrics.Store.Sharding.ClusterMembers.Unreachable(ex))
            {
                if (!await ReformMetrics.Store.Sharding.QueuedRows.FeedsReplicasAsync(store, cancel).ConfigureAwait(false))
                {
                    throw;
                }

                await ReplicaOutage.InsertAsync(store, batch, native.Written, options, ex, logger, cancel).ConfigureAwait(false);
                await WaitUntilReadableAsync(batch, cancel).ConfigureAwait(false);
            }
        }, logger, cancellationToken).ConfigureAwait(false);
        logger.LogDebug("Batch {Batch} of {Source}: {Rows} events inserted", batch.Number, batch.Source, events.Scratch.SelectedCount);
    }

    /// <summary>Waits until the events a queued insert of the batch stored can be read back (the look-up of the next batches
    /// must find them): every event of the batch that is not a duplicate, under the batch's load id.</summary>
    private async Task WaitUntilReadableAsync(IngestBatch batch, CancellationToken cancellationToken)
    {
        var loadId = LoadId(batch);
        var expected = batch.Events.Scratch.SelectedCount;
        var deadline = DateTime.UtcNow + ReplicaOutage.ReadableWithin;
        while (true)
        {
            var stored = (await StoredAsync(batch.Events, cancellationToken).ConfigureAwait(false)).Count(s => s.LoadId == loadId);
            if (stored >= expected)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new ReformMetrics.Store.Sharding.ShardingException(
                    $"Lô {batch.Number} của {batch.Source}: sau {ReplicaOutage.ReadableWithin.TotalSeconds:N0} giây chỉ đọc lại được {stored:N0}/{expected:N0} sự kiện "
                    + "đã ghi qua hàng đợi của bảng Distributed: có mảnh không còn bản sao nào trả lời.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A read-only stream over a Native block buffer, without copying it.</summary>
    internal static MemoryStream Stream(ReadOnlyMemory<byte> written) =>
        MemoryMarshal.TryGetArray(written, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : throw new InvalidOperationException("Native block buffer is not array-backed");

    private static string LoadId(IngestBatch batch) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{batch.FileKey}:{batch.Number}");

    /// <summary>The Vietnam month (YYYYMM) of an instant, with the month's bounds as Unix milliseconds.</summary>
    private static (uint Month, long Start, long End) MonthOf(long utcMilliseconds)
    {
        var offset = TimeSpan.FromHours(7);
        var local = DateTimeOffset.FromUnixTimeMilliseconds(utcMilliseconds).ToOffset(offset);
        var start = new DateTimeOffset(local.Year, local.Month, 1, 0, 0, 0, offset);
        return ((uint)(local.Year * 100 + local.Month), start.ToUnixTimeMilliseconds(), start.AddMonths(1).ToUnixTimeMilliseconds());
    }
}

/// <summary>A batch whose rows to insert are chosen (<see cref="EventColumns"/>' scratch), with what the rest were, its place in
/// the register of batches not stored yet, and the batches of that register some of its events were left to.</summary>
public sealed class PreparedBatch(
    IngestBatch batch, long alreadyStored, long duplicates, InFlightBatches.Entry registration, IReadOnlyList<InFlightBatches.Entry> dependsOn)
{
    public IngestBatch Batch { get; } = batch;

    public InFlightBatches.Entry Registration { get; } = registration;

    public IReadOnlyList<InFlightBatches.Entry> DependsOn { get; } = dependsOn;

    /// <summary>Events this batch inserts.</summary>
    public int ToInsert => Batch.Events.Scratch.SelectedCount;

    /// <summary>Events an earlier attempt at this batch stored: accepted, not inserted again.</summary>
    public long AlreadyStored { get; } = alreadyStored;

    public long Duplicates { get; } = duplicates;
}
