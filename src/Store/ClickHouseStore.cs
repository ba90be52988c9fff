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
    private ClickHouseDataSource? _analyst;
    private readonly Dictionary<QueryBudget, (ClickHouseDataSource Server, ClickHouseDataSource Database)> _budgeted = [];

    public string Database => _options.Database;

    public string? Cluster => _options.Cluster;

    /// <summary>The embedded engine this process holds, or null on a ClickHouse server.</summary>
    public EmbeddedEngine? Engine => _engine;

    /// <summary>Set by long-running hosts that start a dead engine again (<see cref="StoreLifetime"/>): a request may then
    /// wait for it. Otherwise a stopped engine is final for this process.</summary>
    public bool RestartsEngine { get; set; }

    /// <summary>True when this process's embedded engine has stopped (or begun to) and nothing will start it again: retrying a
    /// request is pointless, the work must fail with <see cref="EngineStoppedException"/>.</summary>
    public bool EngineLost => !RestartsEngine && _engine is { HasStopped: true };

    /// <summary>Connection string of the server in use (for tools and child processes).</summary>
    public string ConnectionString => (_server ?? throw NotOpen()).ConnectionString;

    /// <summary>The analysts' connection string (their own ClickHouse user), or null when none is configured.</summary>
    public string? AnalystConnectionString { get; private set; }

    public async Task OpenAsync(IProgress<string>? progress, CancellationToken cancellationToken)
    {
        await _openLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_server is not null)
            {
                return;
            }

            if (_options.IsEmbedded)
            {
                _engine = await AttachEngineAsync(progress, cancellationToken).ConfigureAwait(false);
                Connect(_engine.ServiceConnectionString, _engine.AnalystConnectionString(_options.Database));
            }
            else
            {
                Connect(_options.ConnectionString!, string.IsNullOrWhiteSpace(_options.AnalystConnectionString) ? null : _options.AnalystConnectionString);
            }

            _logger.LogDebug("Store open: {Mode}, database {Database}", _options.IsEmbedded ? "embedded" : "server", _options.Database);
        }
        finally
        {
            _openLock.Release();
        }
    }

    /// <summary>
    /// When this process's embedded engine has died (killed, crashed), starts a new one (or joins one another process
    /// started meanwhile) and points new connections at it. Long-running hosts call it periodically (StoreLifetime);
    /// requests made while the engine is down fail as "store down" (503) and the next ones succeed. Returns true when it
    /// restarted the engine.
    /// </summary>
    public async Task<bool> RestartEngineIfGoneAsync(CancellationToken cancellationToken)
    {
        if (_engine is not { IsAlive: false })
        {
            return false;
        }

        await _openLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_engine is not { IsAlive: false } dead)
            {
                return false;
            }

            _logger.LogWarning("The embedded engine (pid {Pid}) is gone; starting it again", dead.State.Pid);
            await dead.DisposeAsync().ConfigureAwait(false);
            _engine = null;
            var engine = await AttachEngineAsync(null, cancellationToken).ConfigureAwait(false);
            var stale = (_server, _database, _analyst);
            Connect(engine.ServiceConnectionString, engine.AnalystConnectionString(_options.Database));
            ForgetBudgetedSources(); // they point at the dead engine's port
            _engine = engine;
            stale._server?.Dispose();
            stale._database?.Dispose();
            stale._analyst?.Dispose();
            _logger.LogWarning("The embedded engine runs again on port {Port} (pid {Pid})", engine.State.HttpPort, engine.State.Pid);
            return true;
        }
        finally
        {
            _openLock.Release();
        }
    }

    private Task<EmbeddedEngine> AttachEngineAsync(IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var cache = new EngineCache(_options.EngineCacheDirectory ?? EngineCache.DefaultRoot(), loggerFactory.CreateLogger<EngineCache>());
        return EmbeddedEngine.AttachAsync(
            StoreLayout.For(_options.StoreDirectory),
            cache,
            EngineHostCommand.Resolve(),
            _options.Database,
            _options.EngineHttpPort,
            loggerFactory.CreateLogger<EmbeddedEngine>(),
            progress,
            cancellationToken);
    }

    private void Connect(string connectionString, string? analystConnectionString)
    {
        // Form-data parameters: ingestion passes tens of thousands of ids as one array parameter, too long for a URL.
        var settings = new ClickHouseClientSettings(connectionString)
        {
            LoggerFactory = loggerFactory, UseFormDataParameters = true, Timeout = TimeSpan.FromSeconds(_options.QueryTimeoutSeconds),
        };
        settings.Database = string.Empty;
        if (!string.IsNullOrEmpty(_options.Cluster))
        {
            // An insert through a Distributed table (events, sharded by dossier) returns once every shard has stored its rows:
            // ingestion's look-up and its exactly-once bookkeeping count on what an answered insert stored.
            settings.CustomSettings["distributed_foreground_insert"] = 1;
        }

        _server = new ClickHouseDataSource(settings);
        _database = new ClickHouseDataSource(new ClickHouseClientSettings(settings) { Database = _options.Database });
        AnalystConnectionString = analystConnectionString;
        _analyst = analystConnectionString is null ? null : new ClickHouseDataSource(new ClickHouseClientSettings(analystConnectionString)
        {
            LoggerFactory = loggerFactory, Timeout = TimeSpan.FromSeconds(_options.QueryTimeoutSeconds), Database = _options.Database,
        });
    }

    /// <summary>The driver's client for the ReformMetrics database (raw results, bulk inserts).</summary>
    public ClickHouse.Driver.IClickHouseClient Client => Source(database: true).GetClient();

    /// <summary>The analysts' client (read-only over the v_* views, within their limits), or null when none is configured.</summary>
    public ClickHouse.Driver.IClickHouseClient? AnalystClient => _database is null ? throw NotOpen() : _analyst?.GetClient();

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

    /// <summary>A store of its own on one node of the cluster, in <paramref name="database"/> (for the work each node or
    /// shard does itself: migrations, the refresh of a shard). The caller disposes it.</summary>
    public async Task<ClickHouseStore> OpenNodeAsync(Sharding.ClusterMember node, string database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        var nodeOptions = new ClickHouseOptions
        {
            ConnectionString = node.ConnectionString(ConnectionString),
            Database = database,
            QueryTimeoutSeconds = _options.QueryTimeoutSeconds,
        };
        var nodeStore = new ClickHouseStore(Options.Create(nodeOptions), loggerFactory);
        await nodeStore.OpenAsync(null, cancellationToken).ConfigureAwait(false);
        return nodeStore;
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
        _analyst?.Dispose();
        _database = _server = _analyst = null;
        ForgetBudgetedSources();
        if (_engine is not null)
        {
            await _engine.DisposeAsync().ConfigureAwait(false);
            _engine = null;
        }

        _openLock.Dispose();
    }

    /// <summary>Disposes the budgeted data sources (they are made again from the current ones when next needed).</summary>
    private void ForgetBudgetedSources()
    {
        lock (_budgeted)
        {
            foreach (var (server, database) in _budgeted.Values)
            {
                database.Dispose();
                server.Dispose();
            }

            _budgeted.Clear();
        }
    }

    private static InvalidOperationException NotOpen() => new("The store is not open: call OpenAsync first.");
}
