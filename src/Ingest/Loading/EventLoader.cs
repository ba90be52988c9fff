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
    private readonly NativeBlockWriter _lookup = new();

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
        using var prepare = await coordinator.InFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var stored = await StoredAsync(events, cancellationToken).ConfigureAwait(false);
        logger.LogDebug("Batch {Batch}: looked up {Dossiers} dossiers in {Lookup} ms, {Stored} events stored",
            batch.Number, scratch.Dossiers.Count, (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, stored.Count);
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

        // The batches not stored yet: this load's previous one, and those of other loads running meanwhile.
        var pending = coordinator.InFlight.Registered.Select(e => (Entry: e, Index: e.Batch.Events.Scratch.Events)).ToArray();
        HashSet<InFlightBatches.Entry>? dependsOn = null;
        var selected = scratch.Selected;
        var count = 0;
        for (var row = 0; row < events.Count; row++)
        {
            if (row + PrefetchAhead < events.Count)
            {
                foreach (var other in pending)
                {
                    other.Index.Prefetch(scratch.EventHashes[row + PrefetchAhead]);
                }
            }

            if (!keep[row])
            {
                continue;
            }

            var inFlight = false;
            foreach (var other in pending)
            {
                if (other.Index.Find(scratch.EventHashes[row], events.DossierId.Entry(row), events.EventId.Entry(row)) >= 0)
                {
                    (dependsOn ??= []).Add(other.Entry);
                    inFlight = true;
                    break;
                }
            }

            if (inFlight)
            {
                duplicates++;
                continue;
            }

            selected[count++] = row;
        }

        scratch.SelectedCount = count;
        return new PreparedBatch(batch, accepted, duplicates, coordinator.InFlight.Register(batch), dependsOn?.ToArray() ?? []);
    }

    /// <summary>Takes a prepared batch that will not be committed (its load failed or was cancelled) out of the register;
    /// the batches that counted on it fail too.</summary>
    public Task AbandonAsync(PreparedBatch prepared, Exception failure)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        return coordinator.InFlight.LeaveAsync(prepared.Registration, failure);
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
            await coordinator.InFlight.LeaveAsync(prepared.Registration, ex).ConfigureAwait(false);
            throw;
        }

        // Stored: a look-up from now on finds these events, the register need not hold them any more.
        await coordinator.InFlight.LeaveAsync(prepared.Registration, null).ConfigureAwait(false);
        // Events counted as duplicates of batches being stored meanwhile are only duplicates once those are stored: this
        // batch is not recorded before, and fails with them (its resumption then finds what they left).
        foreach (var other in prepared.DependsOn)
        {
            await other.Stored.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

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

        var rows = dossiers.Rows().ToList();
        var bytes = 0;
        foreach (var row in rows)
        {
            // Counted only as far as the limit: a large batch passes it within a few thousand dossiers.
            bytes += events.DossierId.Entry(row).Length + 4;
            if (bytes > MaxParameterBytes)
            {
                break;
            }
        }

        return bytes <= MaxParameterBytes
            ? await StoredByParameterAsync([.. rows.Select(events.DossierId.GetString)], [.. months], cancellationToken).ConfigureAwait(false)
            : await StoredByLookupTableAsync(events.DossierId, rows, [.. months], cancellationToken).ConfigureAwait(false);
    }

    // ClickHouse caps a form field at 128 KiB; a small batch's dossiers travel as a parameter, saving two round trips.
    private const int MaxParameterBytes = 64 * 1024;

    private const string StoredQuery = """
        SELECT dossier_id, event_id, toString(load_id) FROM events
        WHERE dossier_id IN (DOSSIERS) AND toYYYYMM(occurred_at) IN (SELECT arrayJoin(@months))
        """;

    private Task<List<(string Dossier, string EventId, string LoadId)>> StoredByParameterAsync(List<string> dossiers, uint[] months, CancellationToken cancellationToken) =>
        Retry.RunAsync(store, "look up stored events", async token =>
        {
            await using var connection = store.CreateConnection();
            return (await connection.QueryAsync<(string Dossier, string EventId, string LoadId)>(new CommandDefinition(
                StoredQuery.Replace("DOSSIERS", "SELECT arrayJoin(@dossiers)", StringComparison.Ordinal), new { dossiers, months },
                cancellationToken: token)).ConfigureAwait(false)).ToList();
        }, logger, cancellationToken);

    private Task<List<(string Dossier, string EventId, string LoadId)>> StoredByLookupTableAsync(
        Utf8Column column, List<int> rows, uint[] months, CancellationToken cancellationToken)
    {
        _lookup.WriteStrings("dossier_id", column, CollectionsMarshal.AsSpan(rows));
        return Retry.RunAsync(store, "look up stored events", async token =>
        {
            await ExecuteAsync("TRUNCATE TABLE ingest_lookup", token).ConfigureAwait(false);
            using (await store.Client.InsertRawStreamAsync(
                "ingest_lookup", Stream(_lookup.Written), "Native", ["dossier_id"], useCompression: false, NoAsyncInsert, token).ConfigureAwait(false))
            {
            }

            await using var connection = store.CreateConnection();
            return (await connection.QueryAsync<(string Dossier, string EventId, string LoadId)>(new CommandDefinition(
                StoredQuery.Replace("DOSSIERS", "SELECT dossier_id FROM ingest_lookup", StringComparison.Ordinal), new { months },
                cancellationToken: token)).ConfigureAwait(false)).ToList();
        }, logger, cancellationToken);
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
            using var response = await store.Client.InsertRawStreamAsync(
                "events", Stream(native.Written), "Native", NativeBlockWriter.Columns,
                useCompression: store.Engine is null, options, cancel).ConfigureAwait(false);
        }, logger, cancellationToken).ConfigureAwait(false);
        logger.LogDebug("Batch {Batch} of {Source}: {Rows} events inserted", batch.Number, batch.Source, events.Scratch.SelectedCount);
    }

    private static readonly QueryOptions NoAsyncInsert = new() { CustomSettings = new Dictionary<string, object> { ["async_insert"] = 0 } };

    private static MemoryStream Stream(ReadOnlyMemory<byte> written) =>
        MemoryMarshal.TryGetArray(written, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : throw new InvalidOperationException("Native block buffer is not array-backed");

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        await connection.ExecuteAsync(new CommandDefinition(sql, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

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
