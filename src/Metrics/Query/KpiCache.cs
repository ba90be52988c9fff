using System.Collections.Concurrent;
using ReformMetrics.Store;

namespace ReformMetrics.Metrics.Query;

/// <summary>
/// Answers of the metrics layer for the current version of the data. The answers only change when the dossier state is
/// refreshed or a record file (feedback, tasks, targets, agencies) is loaded, so a dashboard's repeated questions are
/// computed once per version and shared, also between requests that arrive together. The version is read at most once
/// a second: an answer follows a refresh within a second (requests that arrive while it is being read use the one read
/// before, up to 10 seconds old). Reference names are cached the same way.
/// </summary>
public sealed class KpiCache(ClickHouseStore store, TimeProvider clock) : IDisposable
{
    private const int MaxAnswers = 2000;
    private static readonly TimeSpan VersionTtl = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StaleAtMost = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Lazy<Task<KpiResult>>> _answers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _versionLock = new(1, 1);
    // One reference, swapped whole: a reader never sees one read's version with another's time.
    private Snapshot _version = new(new DataVersion(string.Empty, null), DateTimeOffset.MinValue);
    private (string Version, Task<ReferenceNames> Names)? _names;

    /// <summary>The key of the data's current version (read at most once a second).</summary>
    public async Task<string> VersionAsync(CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken).ConfigureAwait(false)).Key;

    /// <summary>The data's current version and the instant its figures are complete up to, read together at most once a
    /// second: showing how fresh the figures are costs no round trip of its own.</summary>
    public async Task<DataVersion> CurrentAsync(CancellationToken cancellationToken)
    {
        var seen = Volatile.Read(ref _version);
        if (clock.GetUtcNow() - seen.ReadAt < VersionTtl)
        {
            return seen.Version;
        }

        // While another request reads the version, this one answers from the version read before rather than queue behind
        // that read (under a national feed the read waits behind the refresh and the intake): its figures say they are
        // as fresh as that version, which they are at least.
        if (!await _versionLock.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            if (seen.ReadAt != DateTimeOffset.MinValue && clock.GetUtcNow() - seen.ReadAt < StaleAtMost)
            {
                return seen.Version;
            }

            await _versionLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            if (clock.GetUtcNow() - _version.ReadAt >= VersionTtl)
            {
                Volatile.Write(ref _version, new Snapshot(await DataVersion.ReadAsync(store, cancellationToken).ConfigureAwait(false), clock.GetUtcNow()));
            }

            return _version.Version;
        }
        finally
        {
            _versionLock.Release();
        }
    }

    public Task<ReferenceNames> NamesAsync(string version, CancellationToken cancellationToken)
    {
        if (_names is { } cached && cached.Version == version && !cached.Names.IsFaulted)
        {
            return cached.Names;
        }

        var names = ReferenceNames.LoadAsync(store, cancellationToken);
        _names = (version, names);
        return names;
    }

    public void Dispose() => _versionLock.Dispose();

    /// <summary>The answer for a question at a version, computed once however many ask for it together.</summary>
    public async Task<KpiResult> GetOrComputeAsync(string question, string version, Func<Task<KpiResult>> compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        if (_answers.Count > MaxAnswers)
        {
            _answers.Clear();
        }

        var key = version + "\u001F" + question;
        var answer = _answers.GetOrAdd(key, _ => new Lazy<Task<KpiResult>>(compute, LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return await answer.Value.ConfigureAwait(false);
        }
        catch
        {
            // A failed computation (store down, cancelled request) is not kept: the next request tries again.
            _answers.TryRemove(new KeyValuePair<string, Lazy<Task<KpiResult>>>(key, answer));
            throw;
        }
    }

    private sealed record Snapshot(DataVersion Version, DateTimeOffset ReadAt);
}
