using System.Globalization;
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
/// in quarantine; then record the batch. Every step is retried while ClickHouse is unavailable.
/// </summary>
/// <remarks>
/// A crash at any point leaves either nothing of the batch, or its events without its record: the next run
/// re-reads the batch, finds those events stored by this same batch (events.load_id) and counts them as
/// accepted without inserting them again; an event stored by any other load is a duplicate. Two loaders must not store the same events at the same moment (one ingestion
/// service per store; the embedded store takes a file lock).
/// </remarks>
public sealed class EventLoader(ClickHouseStore store, SourceLedger ledger, ILogger<EventLoader> logger)
{
    private readonly NativeBlockWriter _native = new();
    private readonly NativeBlockWriter _lookup = new();

    /// <summary>
    /// Works out what of the batch to insert: drops events repeated within it, those already stored, and those in
    /// <paramref name="inFlight"/> (the previous batch, being committed meanwhile, which the look-up may not see yet).
    /// </summary>
    public async Task<PreparedBatch> PrepareAsync(IngestBatch batch, PreparedBatch? inFlight, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var unique = new Dictionary<(string Dossier, string Event), ValidEvent>(batch.Events.Count);
        long duplicates = 0;
        foreach (var e in batch.Events)
        {
            if (!unique.TryAdd((e.DossierId, e.EventId), e))
            {
                duplicates++;
            }
        }

        long accepted = 0;
        var stored = await StoredAsync(unique.Values, cancellationToken).ConfigureAwait(false);
        var toInsert = new List<ValidEvent>(unique.Count);
        foreach (var (key, e) in unique)
        {
            if (stored.TryGetValue(key, out var loadId))
            {
                if (loadId == LoadId(batch))
                {
                    accepted++; // stored by an earlier, interrupted attempt at this very batch
                }
                else
                {
                    duplicates++;
                }
            }
            else if (inFlight is not null && inFlight.Keys.Contains(key))
            {
                duplicates++;
            }
            else
            {
                toInsert.Add(e);
            }
        }

        return new PreparedBatch(batch, toInsert, accepted, duplicates);
    }

    /// <summary>Inserts what <see cref="PrepareAsync"/> kept, quarantines the rejected rows and records the batch.</summary>
    public async Task<BatchOutcome> CommitAsync(PreparedBatch prepared, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        var batch = prepared.Batch;
        if (prepared.ToInsert.Count > 0)
        {
            await InsertEventsAsync(batch, prepared.ToInsert, cancellationToken).ConfigureAwait(false);
        }

        if (batch.Rejections.Count > 0)
        {
            await ledger.QuarantineAsync(batch.FileKey, batch.Source, batch.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), batch.Rejections, cancellationToken).ConfigureAwait(false);
        }

        var accepted = prepared.AlreadyStored + prepared.ToInsert.Count;
        await Retry.RunAsync("record batch", async token =>
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

    /// <summary>Events of the batch already stored, by (dossier, event id), with the file that stored them.</summary>
    private async Task<Dictionary<(string, string), string>> StoredAsync(Dictionary<(string Dossier, string Event), ValidEvent>.ValueCollection events, CancellationToken cancellationToken)
    {
        var result = new Dictionary<(string, string), string>();
        if (events.Count == 0)
        {
            return result;
        }

        // A repeated event carries the same occurred_at, so only the batch's months (partitions) need looking at.
        var months = events.Select(e => MonthOf(e.OccurredAtMs)).Distinct().ToArray();
        var dossiers = events.Select(e => e.DossierId).Distinct(StringComparer.Ordinal).ToList();
        var rows = dossiers.Sum(d => d.Length + 4) <= MaxParameterBytes
            ? await StoredByParameterAsync(dossiers, months, cancellationToken).ConfigureAwait(false)
            : await StoredByLookupTableAsync(dossiers, months, cancellationToken).ConfigureAwait(false);
        foreach (var row in rows)
        {
            result.TryAdd((row.Dossier, row.EventId), row.LoadId);
        }

        return result;
    }

    // ClickHouse caps a form field at 128 KiB; a small batch's dossiers travel as a parameter, saving two round trips.
    private const int MaxParameterBytes = 64 * 1024;

    private const string StoredQuery = """
        SELECT dossier_id, event_id, toString(load_id) FROM events
        WHERE dossier_id IN (DOSSIERS) AND toYYYYMM(occurred_at) IN (SELECT arrayJoin(@months))
        """;

    private Task<List<(string Dossier, string EventId, string LoadId)>> StoredByParameterAsync(List<string> dossiers, uint[] months, CancellationToken cancellationToken) =>
        Retry.RunAsync("look up stored events", async token =>
        {
            await using var connection = store.CreateConnection();
            return (await connection.QueryAsync<(string Dossier, string EventId, string LoadId)>(new CommandDefinition(
                StoredQuery.Replace("DOSSIERS", "SELECT arrayJoin(@dossiers)", StringComparison.Ordinal), new { dossiers, months },
                cancellationToken: token)).ConfigureAwait(false)).ToList();
        }, logger, cancellationToken);

    private Task<List<(string Dossier, string EventId, string LoadId)>> StoredByLookupTableAsync(List<string> dossiers, uint[] months, CancellationToken cancellationToken)
    {
        _lookup.WriteStrings("dossier_id", dossiers);
        return Retry.RunAsync("look up stored events", async token =>
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

    private async Task InsertEventsAsync(IngestBatch batch, List<ValidEvent> events, CancellationToken cancellationToken)
    {
        _native.Write(events, batch.Source, LoadId(batch));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{batch.FileKey}/{batch.Number}/"));
        foreach (var e in events)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(e.EventId));
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
        await Retry.RunAsync("insert events", async cancel =>
        {
            using var response = await store.Client.InsertRawStreamAsync(
                "events", Stream(_native.Written), "Native", NativeBlockWriter.Columns,
                useCompression: store.Engine is null, options, cancel).ConfigureAwait(false);
        }, logger, cancellationToken).ConfigureAwait(false);
        logger.LogDebug("Batch {Batch} of {Source}: {Rows} events inserted", batch.Number, batch.Source, events.Count);
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

    private static uint MonthOf(long utcMilliseconds)
    {
        var local = DateTimeOffset.FromUnixTimeMilliseconds(utcMilliseconds).ToOffset(TimeSpan.FromHours(7));
        return (uint)(local.Year * 100 + local.Month);
    }
}

/// <summary>A batch with what remains to insert once repeats and stored events are dropped.</summary>
public sealed class PreparedBatch(IngestBatch batch, List<ValidEvent> toInsert, long alreadyStored, long duplicates)
{
    public IngestBatch Batch { get; } = batch;

    public List<ValidEvent> ToInsert { get; } = toInsert;

    /// <summary>Events an earlier attempt at this batch stored: accepted, not inserted again.</summary>
    public long AlreadyStored { get; } = alreadyStored;

    public long Duplicates { get; } = duplicates;

    /// <summary>The events this batch is inserting, for the next batch to check against while the insert runs.</summary>
    public HashSet<(string, string)> Keys { get; } = [.. toInsert.Select(e => (e.DossierId, e.EventId))];
}
