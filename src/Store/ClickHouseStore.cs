using ClickHouse.Driver.ADO;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReformMetrics.Store.Embedded;

namespace ReformMetrics.Store;

/// <summary>
/// The one way into ClickHouse: opens the configured server, or starts (or joins) the embedded engine of the
/// store directory, and hands out connections to the ReformMetrics database. Same SQL, same driver either way.
/// </summary>
public sealed class ClickHouseStore(IOptions<ClickHouseOptions> options, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly ClickHouseOptions _options = options.Value;
    private readonly ILogger _logger = loggerFactory.CreateLogger<ClickHouseStore>();
    private readonly SemaphoreSlim _openLock = new(1, 1);
    private EmbeddedEngine? _engine;
    private ClickHouseDataSource? _server;
    private ClickHouseDataSource? _database;
    private readonly Dictionary<QueryBudget, (ClickHouseDataSource Server, ClickHouseDataSource Database)> _budgeted = [];

    public string Database => _options.Database;

    public string? Cluster => _options.Cluster;

    /// <summary>The embedded engine this process holds, or null on a ClickHouse server.</summary>
    public EmbeddedEngine? Engine => _engine;

    /// <summary>Connection string of the server in use (for tools and child processes).</summary>
    public string ConnectionString => (_server ?? throw NotOpen()).ConnectionString;

    public async Task OpenAsync(IProgress<string>? progress, CancellationToken cancellationToken)
    {
        await _openLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_server is not null)
            {
                return;
            }

            string connectionString;
            if (_options.IsEmbedded)
            {
                var cache = new EngineCache(
                    _options.EngineCacheDirectory ?? EngineCache.DefaultRoot(), loggerFactory.CreateLogger<EngineCache>());
                _engine = await EmbeddedEngine.AttachAsync(
                    StoreLayout.For(_options.StoreDirectory),
                    cache,
                    EngineHostCommand.Resolve(),
                    loggerFactory.CreateLogger<EmbeddedEngine>(),
                    progress,
                    cancellationToken).ConfigureAwait(false);
                connectionString = _engine.State.ConnectionString;
            }
            else
            {
                connectionString = _options.ConnectionString!;
            }

            // Form-data parameters: ingestion passes tens of thousands of ids as one array parameter, too long for a URL.
            var settings = new ClickHouseClientSettings(connectionString)
            {
                LoggerFactory = loggerFactory, UseFormDataParameters = true, Timeout = TimeSpan.FromSeconds(_options.QueryTimeoutSeconds),
            };
            settings.Database = string.Empty;
            _server = new ClickHouseDataSource(settings);
            _database = new ClickHouseDataSource(new ClickHouseClientSettings(settings) { Database = _options.Database });
            _logger.LogDebug("Store open: {Mode}, database {Database}", _options.IsEmbedded ? "embedded" : "server", _options.Database);
        }
        finally
        {
            _openLock.Release();
        }
    }

    /// <summary>The driver's client for the ReformMetrics database (raw results, bulk inserts).</summary>
    public ClickHouse.Driver.IClickHouseClient Client => Source(database: true).GetClient();

    /// <summary>The driver's client without a default database.</summary>
    public ClickHouse.Driver.IClickHouseClient ServerClient => Source(database: false).GetClient();

    /// <summary>A connection whose default database is the ReformMetrics database.</summary>
    public ClickHouseConnection CreateConnection() => Source(database: true).CreateConnection();

    /// <summary>A connection without a default database, for server-wide statements.</summary>
    public ClickHouseConnection CreateServerConnection() => Source(database: false).CreateConnection();

    /// <summary>The data source for the current flow: with the settings of the <see cref="QueryBudget"/> entered, if any.
    /// The driver's connections share their data source's settings, so a budget gets data sources of its own, made once.</summary>
    private ClickHouseDataSource Source(bool database)
    {
        var plain = (database ? _database : _server) ?? throw NotOpen();
        if (QueryBudget.Current is not { } budget)
        {
            return plain;
        }

        lock (_budgeted)
        {
            if (!_budgeted.TryGetValue(budget, out var sources))
            {
                ClickHouseDataSource With(ClickHouseDataSource source)
                {
                    var settings = new ClickHouseClientSettings(source.Settings);
                    foreach (var (name, value) in budget.Settings())
                    {
                        settings.CustomSettings[name] = value;
                    }

                    return new ClickHouseDataSource(settings);
                }

                _budgeted[budget] = sources = (With(_server!), With(_database!));
            }

            return database ? sources.Database : sources.Server;
        }
    }

    public async Task<bool> DatabaseExistsAsync(CancellationToken cancellationToken)
    {
        await using var connection = CreateServerConnection();
        var count = await connection.ExecuteScalarAsync<ulong>(
            new CommandDefinition("SELECT count() FROM system.databases WHERE name = @name", new { name = Database }, cancellationToken: cancellationToken))
            .ConfigureAwait(false);
        return count > 0;
    }

    /// <summary>True when the store answers a query now (health checks).</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = CreateServerConnection();
            return await connection.ExecuteScalarAsync<byte>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken)).ConfigureAwait(false) == 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or ClickHouse.Driver.ClickHouseServerException or TaskCanceledException)
        {
            _logger.LogWarning("Store ping failed: {Error}", ex.Message);
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _database?.Dispose();
        _server?.Dispose();
        _database = _server = null;
        lock (_budgeted)
        {
            foreach (var (server, database) in _budgeted.Values)
            {
                database.Dispose();
                server.Dispose();
            }

            _budgeted.Clear();
        }
        if (_engine is not null)
        {
            await _engine.DisposeAsync().ConfigureAwait(false);
            _engine = null;
        }

        _openLock.Dispose();
    }

    private static InvalidOperationException NotOpen() => new("The store is not open: call OpenAsync first.");
}
