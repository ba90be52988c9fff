using System.Collections.Concurrent;
using Dapper;
using ReformMetrics.Store;

namespace ReformMetrics.Metrics.Query;

/// <summary>
/// Answers of the metrics layer for the current version of the data. The answers only change when the dossier state is
/// refreshed or a record file (feedback, tasks, targets, agencies) is loaded, so a dashboard's repeated questions are
/// computed once per version and shared, also between requests that arrive together. The version is read at most once
/// a second: an answer follows a refresh within a second. Reference names are cached the same way.
/// </summary>
public sealed class KpiCache(ClickHouseStore store, TimeProvider clock) : IDisposable
{
    private const int MaxAnswers = 2000;
    private static readonly TimeSpan VersionTtl = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Lazy<Task<KpiResult>>> _answers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _versionLock = new(1, 1);
    private (string Version, DateTimeOffset ReadAt) _version = (string.Empty, DateTimeOffset.MinValue);
    private (string Version, Task<ReferenceNames> Names)? _names;

    public async Task<string> VersionAsync(CancellationToken cancellationToken)
    {
        if (clock.GetUtcNow() - _version.ReadAt < VersionTtl)
        {
            return _version.Version;
        }

        await _versionLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (clock.GetUtcNow() - _version.ReadAt >= VersionTtl)
            {
                await using var connection = store.CreateConnection();
                var version = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
                    """
                    SELECT concat(toString((SELECT max(run) FROM refresh_runs)), '|', toString((SELECT max(updated_at) FROM ingest_files)),
                                  '|', toString((SELECT count() FROM schema_migrations)))
                    """,
                    cancellationToken: cancellationToken)).ConfigureAwait(false) ?? string.Empty;
                _version = (version, clock.GetUtcNow());
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
}
