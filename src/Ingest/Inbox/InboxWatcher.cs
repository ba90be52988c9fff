using ClickHouse.Driver;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReformMetrics.Store;
using ReformMetrics.Store.Refresh;

namespace ReformMetrics.Ingest.Inbox;

/// <summary>
/// Loads the event files that appear in the inbox folder, oldest first, and moves each to processed/ (with its
/// .rejects.csv) or to failed/ when it cannot be read as a whole; then refreshes the dossier state and aggregates
/// with every event stored since the last refresh, whichever way it came in.
/// </summary>
/// <remarks>
/// Writers must use write-then-rename: write <c>name.csv.part</c> (or a name starting with a dot) and rename it to
/// its final name when complete; renaming within a folder is atomic, so a file is never seen half-written. Files
/// whose names end in .part, .tmp or start with a dot are ignored. While the store is unavailable, files stay in the
/// inbox and are tried again on the next pass; loading is exactly once, so a file interrupted midway resumes.
/// </remarks>
public sealed class InboxWatcher(
    IOptions<InboxOptions> options, IOptions<ClickHouseOptions> store, InputIngestor ingestor, DossierRefresher refresher, ILogger<InboxWatcher> logger)
    : BackgroundService
{
    private static readonly string[] Extensions = [".csv", ".ndjson", ".jsonl", ".csv.gz", ".ndjson.gz", ".jsonl.gz"];

    public string Directory { get; } = Path.GetFullPath(options.Value.Directory ?? Path.Combine(store.Value.StoreDirectory, "inbox"));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        logger.LogInformation("Watching {Inbox} for event files", Directory);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PassAsync(stoppingToken).ConfigureAwait(false);
                // Also picks up events that came through POST /api/events; costs two small queries when idle (the window
                // read and the stale dossiers of the last minute of loads), whatever the size of the store.
                await refresher.RefreshAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or ClickHouseServerException or IOException)
            {
                logger.LogWarning("Inbox pass stopped: {Error}; files stay in the inbox and are tried again", ex.Message);
            }
#pragma warning disable CA1031 // Whatever one pass meets, the watcher goes on: a dead background service stops the host.
            catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
            {
                logger.LogError(ex, "Inbox pass failed; trying again at the next pass");
            }

            await Task.Delay(TimeSpan.FromSeconds(options.Value.PollSeconds), stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Loads every complete file now in the inbox, in arrival order; returns how many were loaded.</summary>
    public async Task<int> PassAsync(CancellationToken cancellationToken)
    {
        var files = new DirectoryInfo(Directory).EnumerateFiles()
            .Where(f => !f.Name.StartsWith('.') && Extensions.Any(e => f.Name.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
        var processed = Path.Combine(Directory, "processed");
        var failed = Path.Combine(Directory, "failed");
        foreach (var file in files)
        {
            System.IO.Directory.CreateDirectory(processed);
            IngestResult result;
            try
            {
                result = await ingestor.IngestFileAsync(file.FullName, null, cancellationToken, rejectsDirectory: processed).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A file that breaks the loader in a way nobody foresaw goes to failed/ with the reason, not back in the loop.
            catch (Exception ex) when (ex is not (OperationCanceledException or HttpRequestException or ClickHouseServerException or IOException))
#pragma warning restore CA1031
            {
                logger.LogError(ex, "{File} could not be loaded", file.Name);
                result = new IngestResult(file.Name, 0, 0, 0, 0, TimeSpan.Zero,
                    Failure: $"Lỗi không lường trước khi nạp tệp ({ex.GetType().Name}: {ex.Message}); tệp chưa được nạp hết. Hãy báo cho quản trị viên kèm tệp này.");
            }

            var target = result.Failed ? failed : processed;
            System.IO.Directory.CreateDirectory(target);
            File.Move(file.FullName, Unique(Path.Combine(target, file.Name)));
            if (result.Failed)
            {
                await File.WriteAllTextAsync(Unique(Path.Combine(failed, file.Name + ".error.txt")), result.Failure, cancellationToken).ConfigureAwait(false);
                logger.LogWarning("{File} failed: {Reason}", file.Name, result.Failure);
            }
        }

        return files.Count;
    }

    private static string Unique(string path)
    {
        if (!File.Exists(path))
        {
            return path;
        }

        var stamp = DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        return Path.Combine(Path.GetDirectoryName(path)!, $"{Path.GetFileNameWithoutExtension(path)}.{stamp}{Path.GetExtension(path)}");
    }
}
