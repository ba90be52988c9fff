using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReformMetrics.Ingest.Contract;
using ReformMetrics.Ingest.Intake;
using ReformMetrics.Ingest.Ledger;
using ReformMetrics.Ingest.Limits;
using ReformMetrics.Ingest.Loading;
using ReformMetrics.Ingest.Reading;
using ReformMetrics.Ingest.Validation;
using ReformMetrics.Store;
using ReformMetrics.Store.Embedded;

namespace ReformMetrics.Ingest;

/// <summary>
/// Loads event sources (files, request bodies) into the store exactly once: identifies the source by the
/// SHA-256 of its bytes, skips it when it was loaded whole before, resumes it at its first unrecorded batch
/// when a run was interrupted, and streams it through validation and the <see cref="EventLoader"/> in batches
/// (reading the next batch while the previous one is stored, never more than one ahead). Several sources load at once,
/// up to the <see cref="IngestCoordinator"/>'s degree, each in a pipeline of its own. Every source is bounded
/// (<see cref="IntakeOptions"/>): what gzip unpacks to, the length of a row, the text kept for rejected rows.
/// </summary>
public sealed class EventIngestor(
    ClickHouseStore store, EventLoader loader, SourceLedger ledger, IngestCoordinator coordinator, TimeProvider clock, IOptions<IntakeOptions> options,
    ILogger<EventIngestor> logger)
{
    public const int DefaultBatchRows = 250_000;
    private readonly Lock _referenceLock = new();
    private Task<IngestReference>? _reference;

    public int BatchRows { get; init; } = DefaultBatchRows;

    /// <summary>Loads a file; rejected rows are also written to &lt;file&gt;.rejects.csv in <paramref name="rejectsDirectory"/>
    /// (default: beside the file).</summary>
    public async Task<IngestResult> IngestFileAsync(
        string path, IProgress<IngestProgress>? progress, CancellationToken cancellationToken, string? rejectsDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var name = Path.GetFileName(path);
        var hashing = SourceLedger.FileKeyAsync(path, cancellationToken);
        await ReferenceAsync(cancellationToken).ConfigureAwait(false); // meanwhile, which also opens the connection
        var fileKey = await hashing.ConfigureAwait(false);

        var rejectsPath = Path.Combine(rejectsDirectory ?? Path.GetDirectoryName(Path.GetFullPath(path))!, name + ".rejects.csv");
        return await IngestAsync(name, fileKey, () => File.OpenRead(path), rejectsPath, progress, options.Value.MaxUnpackedFileBytes, null, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Loads a source held in memory (an HTTP request body); no rejects file is written. A source bound to
    /// provinces (<paramref name="scope"/>) has its rows checked by a <see cref="ProvinceGuard"/>.</summary>
    public async Task<IngestResult> IngestBytesAsync(string source, byte[] content, SourceFormat format, CancellationToken cancellationToken, SourceScope? scope = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        var guarded = scope is { AllProvinces: false, Provinces.Count: > 0 } ? scope : null;
        var fileKey = Convert.ToHexStringLower(SHA256.HashData(content));
        if (guarded is not null)
        {
            // What a guarded body's rows come to depends on the source and on the receipts stored so far: it is known by
            // both, and a body whose rows the guard refused is read again when sent again (its stored events are then
            // duplicates), under a key of its own.
            fileKey = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{guarded.Name}\n{fileKey}")));
            if (await ledger.StatusAsync(fileKey, cancellationToken).ConfigureAwait(false) is { Status: "done", Message: ProvinceGuard.RefusedNote })
            {
                fileKey = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{fileKey}\n{Guid.NewGuid()}")));
            }
        }

        return await IngestAsync(source, fileKey, () => new MemoryStream(content, writable: false), null, null, options.Value.MaxUnpackedBodyBytes, guarded,
            cancellationToken, format).ConfigureAwait(false);
    }

    /// <summary>Rows quarantined for a source, in line order.</summary>
    public Task<IReadOnlyList<Rejection>> RejectionsAsync(string fileKey, int limit, CancellationToken cancellationToken) =>
        ledger.RejectionsAsync(fileKey, limit, cancellationToken);

    /// <summary>The reference lists, read once for every load of this ingestor (loads may ask at the same time), and again
    /// after a failed read.</summary>
    private Task<IngestReference> ReferenceAsync(CancellationToken cancellationToken)
    {
        lock (_referenceLock)
        {
            if (_reference is null || _reference.IsFaulted || _reference.IsCanceled)
            {
                _reference = IngestReference.LoadAsync(store, cancellationToken);
            }

            return _reference;
        }
    }

    private async Task<IngestResult> IngestAsync(
        string source, string fileKey, Func<Stream> open, string? rejectsPath, IProgress<IngestProgress>? progress, long maxUnpackedBytes,
        SourceScope? scope, CancellationToken cancellationToken, SourceFormat? format = null)
    {
        // A place among the loads running at once; the same source is never loaded twice at once (the second finds it done).
        var place = await coordinator.EnterAsync(store, fileKey, cancellationToken).ConfigureAwait(false);
        try
        {
            var stopwatch = Stopwatch.StartNew();
            var previous = await ledger.StatusAsync(fileKey, cancellationToken).ConfigureAwait(false);
            if (previous is { Status: "done" })
            {
                logger.LogInformation("{Source} was loaded before (file {FileKey}); nothing to do", source, fileKey[..12]);
                return new IngestResult(source, (long)previous.Rows, 0, (long)previous.Accepted + (long)previous.Duplicates, (long)previous.Rejected,
                    stopwatch.Elapsed, AlreadyLoaded: true, FileKey: fileKey);
            }

            // A load writes no status row until it ends (an insert per small file saved): the batches an interrupted
            // run recorded are found by the file key alone.
            var plan = await CommittedBatchesAsync(fileKey, cancellationToken).ConfigureAwait(false);
            var reference = await ReferenceAsync(cancellationToken).ConfigureAwait(false);
            var validator = new EventValidator(reference, clock);
            var guard = scope is null ? null : new ProvinceGuard(store, coordinator.InFlight, reference, scope, logger);

            await using var counting = new CountingStream(open());
            var size = counting.CanSeek ? counting.Length : 0;
            IngestResult result;
            try
            {
                var content = EventSource.Decompressed(counting, maxUnpackedBytes);
                var sourceFormat = format ?? EventSource.FormatOf(source, content);
                var outcome = await PipelineAsync(source, fileKey, content, sourceFormat, validator, guard, plan, counting, size, stopwatch, progress, cancellationToken)
                    .ConfigureAwait(false);
                string? rejects = null;
                if (rejectsPath is not null && outcome.Totals.Rejected > 0)
                {
                    rejects = await ledger.WriteRejectsAsync(fileKey, rejectsPath, cancellationToken).ConfigureAwait(false);
                }

                var note = guard is { Refused: > 0 } ? ProvinceGuard.RefusedNote : string.Empty;
                await ledger.SetStatusAsync(fileKey, source, (ulong)size, "done", outcome.Totals, (ulong)outcome.Rows, note, cancellationToken).ConfigureAwait(false);
                result = new IngestResult(source, outcome.Rows, outcome.Totals.Accepted, outcome.Totals.Duplicates, outcome.Totals.Rejected,
                    stopwatch.Elapsed, RejectsFile: rejects, FileKey: fileKey);
            }
            catch (SourceFormatException ex)
            {
                await ledger.SetStatusAsync(fileKey, source, (ulong)size, "failed", default, 0, ex.Message, cancellationToken).ConfigureAwait(false);
                result = new IngestResult(source, 0, 0, 0, 0, stopwatch.Elapsed, Failure: ex.Message, FileKey: fileKey);
            }

            logger.LogInformation(
                "{Source}: {Rows} rows, {Accepted} accepted, {Duplicates} duplicate, {Rejected} rejected in {Elapsed} ms",
                source, result.Rows, result.Accepted, result.Duplicates, result.Rejected, (long)result.Elapsed.TotalMilliseconds);
            logger.LogDebug(
                "Process so far: GC {Gen0}/{Gen1}/{Gen2} collections, paused {Pause} ms, allocated {Allocated} MB; JIT {Methods} methods in {Jit} ms",
                GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), (long)GC.GetTotalPauseDuration().TotalMilliseconds,
                GC.GetTotalAllocatedBytes() >> 20, System.Runtime.JitInfo.GetCompiledMethodCount(),
                (long)System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds);
            return result;
        }
        finally
        {
            await place.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<(BatchOutcome Totals, long Rows)> PipelineAsync(
        string source, string fileKey, Stream content, SourceFormat format, EventValidator validator, ProvinceGuard? guard,
        BatchPlan plan, CountingStream counting, long size, Stopwatch stopwatch,
        IProgress<IngestProgress>? progress, CancellationToken cancellationToken)
    {
        // One batch read ahead at most: reading waits while ClickHouse is slow (back-pressure), memory stays bounded.
        var channel = Channel.CreateBounded<IngestBatch>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        var rows = new RowCounter();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The rows this load holds in batches, out of what every load of the process may hold together.
        var held = new HeldRows(coordinator.Rows);
        // The reader gets a thread of its own: it runs for the whole load and blocks while the channel is full, so on
        // the pool it would hold one of its few workers throughout.
        var limits = options.Value;
        var producer = Task.Factory.StartNew(
            () => Produce(source, fileKey, content, format, validator, limits, indexWhileReading: guard is null, plan, channel.Writer, rows, coordinator, held,
                stop.Token),
            stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var totals = plan.Done.Values.Aggregate(default(BatchOutcome), (a, b) => a + b.Outcome);
        Task<BatchOutcome>? committing = null;
        PreparedBatch? inFlight = null;
        PreparedBatch? prepared = null;
        try
        {
            // Batch N is committed while batch N+1 is looked up: the look-up checks the events of batch N (and of other
            // loads' batches not stored yet) in memory, since it may not see them in the store yet.
            var waiting = Stopwatch.StartNew();
            await foreach (var read in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                var waitedForReader = waiting.ElapsedMilliseconds;
                var batch = guard is null ? read : await guard.CheckAsync(read, cancellationToken).ConfigureAwait(false);
                prepared = await loader.PrepareAsync(batch, cancellationToken).ConfigureAwait(false);
                var preparing = waiting.ElapsedMilliseconds - waitedForReader;
                if (committing is not null)
                {
                    totals += await committing.ConfigureAwait(false);
                    Recycle(inFlight!.Batch, held);
                    logger.LogDebug("Batch {Batch}: waited {Reader} ms for the reader, prepared in {Prepare} ms, waited {Commit} ms for the previous commit",
                        batch.Number, waitedForReader, preparing, waiting.ElapsedMilliseconds - waitedForReader - preparing);
                    progress?.Report(new IngestProgress(source, counting.BytesRead, size, rows.Value, totals.Accepted, totals.Duplicates, totals.Rejected, stopwatch.Elapsed));
                }

                (inFlight, prepared) = (prepared, null);
                committing = loader.CommitAsync(inFlight, cancellationToken);
                waiting.Restart();
            }

            if (committing is not null)
            {
                totals += await committing.ConfigureAwait(false);
                Recycle(inFlight!.Batch, held);
            }

            await producer.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The reader may be waiting for room in the channel: stop it before giving up; let the batch being stored
            // finish, so that the source's status, written next, comes after it; and take a batch prepared but never
            // committed out of the register (the batches that counted on it fail with it).
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAny(producer).ConfigureAwait(false);
            if (prepared is not null)
            {
                await loader.AbandonAsync(prepared, ex).ConfigureAwait(false);
            }

            if (committing is not null)
            {
                await Task.WhenAny(committing).ConfigureAwait(false);
            }

            throw;
        }
        finally
        {
            held.ReturnAll();
        }

        return (totals, rows.Value);
    }

    /// <summary>A stored batch's columns go back to the shared pool (it left the register: nobody reads them) and its rows
    /// to the budget.</summary>
    private void Recycle(IngestBatch batch, HeldRows held)
    {
        held.Return(batch.HeldRows);
        coordinator.ReturnColumns(batch.Events);
    }

    private sealed class RowCounter
    {
        private long _value;

        public long Value => Interlocked.Read(ref _value);

        public void Increment() => Interlocked.Increment(ref _value);
    }

    /// <summary>The rows one load took from the <see cref="RowBudget"/>: given back batch by batch, and whatever is left
    /// when the load ends, however it ends.</summary>
    private sealed class HeldRows(RowBudget budget)
    {
        private long _held;

        /// <summary>Blocks the reader's thread until the rows are free.</summary>
        public long Take(long rows, CancellationToken cancellationToken)
        {
            var taken = budget.TakeAsync(rows, cancellationToken).GetAwaiter().GetResult();
            Interlocked.Add(ref _held, taken);
            return taken;
        }

        public void Return(long rows)
        {
            Interlocked.Add(ref _held, -rows);
            budget.Return(rows);
        }

        public void ReturnAll() => budget.Return(Interlocked.Exchange(ref _held, 0));
    }

    private static void Produce(
        string source, string fileKey, Stream content, SourceFormat format, EventValidator validator, IntakeOptions limits,
        bool indexWhileReading, BatchPlan plan, ChannelWriter<IngestBatch> writer, RowCounter rows,
        IngestCoordinator coordinator, HeldRows held, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            uint number = 0;
            long first = 1;
            long inBatch = 0;
            var batchRows = plan.Rows(number, first);
            // Rows are taken before a batch is read: with many loads at once, a reader waits here rather than fill memory.
            var taken = held.Take(batchRows, cancellationToken);
            var sink = new EventSink(coordinator.RentColumns());
            var rejections = new List<Rejection>();
            var raw = new RawBudget(limits);
            foreach (var rejection in EventSource.ReadInto(content, format, validator, sink, cancellationToken, limits.MaxLineBytes))
            {
                rows.Increment();
                inBatch++;
                if (rejection is not null && !plan.IsDone(number))
                {
                    rejections.Add(raw.Cap(rejection));
                }

                // Batch boundaries depend on row numbers only (BatchPlan), so that a resumed load finds them again.
                if (inBatch == batchRows)
                {
                    Flush();
                }
            }

            if (inBatch > 0)
            {
                Flush(last: true);
            }
            else
            {
                coordinator.ReturnColumns(sink.Columns); // the rows taken for a batch that never came go back with the load
            }

            void Flush(bool last = false)
            {
                if (plan.IsDone(number))
                {
                    // Stored by an earlier run: read again only to keep the row count, its events are dropped.
                    sink.Columns.Clear();
                    held.Return(taken);
                }
                else
                {
                    var batch = new IngestBatch(fileKey, source, number, first, first + inBatch - 1, sink.Columns, rejections, last, taken);
                    if (indexWhileReading)
                    {
                        // A guarded batch is indexed after its province check, by the loader.
                        EventLoader.Index(batch);
                    }

                    writer.WriteAsync(batch, cancellationToken).AsTask().GetAwaiter().GetResult();
                    if (!last)
                    {
                        sink.Columns = coordinator.RentColumns();
                    }

                    rejections = [];
                }

                number++;
                first += inBatch;
                inBatch = 0;
                batchRows = plan.Rows(number, first);
                raw.Reset();
                if (!last)
                {
                    taken = held.Take(batchRows, cancellationToken);
                }
            }
        }
        catch (Exception ex)
        {
            failure = ex;
            throw;
        }
        finally
        {
            writer.TryComplete(failure);
        }
    }

    /// <summary>The batches an interrupted load recorded, with their row ranges, for the load that resumes it.</summary>
    private async Task<BatchPlan> CommittedBatchesAsync(string fileKey, CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        var rows = await connection.QueryAsync<(uint Batch, ulong FirstRow, ulong LastRow, uint Accepted, uint Duplicates, uint Rejected)>(new CommandDefinition(
            """
            SELECT batch, argMax(first_row, committed_at), argMax(last_row, committed_at),
                   argMax(accepted, committed_at), argMax(duplicates, committed_at), argMax(rejected, committed_at)
            FROM ingest_batches WHERE file_key = @fileKey GROUP BY batch
            """,
            new { fileKey }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new BatchPlan(BatchRows, rows.ToDictionary(
            r => r.Batch, r => new RecordedBatch((long)r.FirstRow, (long)r.LastRow, new BatchOutcome(r.Accepted, r.Duplicates, r.Rejected))));
    }
}
