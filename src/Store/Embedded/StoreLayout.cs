namespace ReformMetrics.Store.Embedded;

/// <summary>Where an embedded store keeps its files. One engine serves one store directory.</summary>
public sealed record StoreLayout(string Root)
{
    public static StoreLayout For(string directory) => new(Path.GetFullPath(directory));

    /// <summary>ClickHouse's own data directory (--path).</summary>
    public string DataDirectory => Path.Combine(Root, "clickhouse");

    /// <summary>Runtime files; also the engine's working directory, so no stray config.xml is picked up.</summary>
    public string RunDirectory => Path.Combine(Root, "run");

    public string LeaseDirectory => Path.Combine(RunDirectory, "leases");

    /// <summary>Held by the engine process for its whole life.</summary>
    public string EngineLock => Path.Combine(RunDirectory, "engine.lock");

    /// <summary>Serialises starting, attaching to and stopping the engine.</summary>
    public string StartLock => Path.Combine(RunDirectory, "start.lock");

    /// <summary>Written by the engine once it answers; removed when it begins to stop.</summary>
    public string StateFile => Path.Combine(RunDirectory, "engine.json");

    public string LogFile => Path.Combine(Root, "logs", "engine.log");

    /// <summary>The engine's configuration (its users), written by the engine process at each start.</summary>
    public string EngineConfigFile => Path.Combine(RunDirectory, "users.xml");

    /// <summary>Owner-only; never reachable by the engine process itself (see EngineConfinement).</summary>
    public string SecretsDirectory => Path.Combine(Root, "secrets");

    /// <summary>The passwords of the engine's users (EngineUsers).</summary>
    public string UsersSecretFile => Path.Combine(SecretsDirectory, "engine-users.json");

    /// <summary>Creates the engine's directories, readable by their owner only: the engine is loopback-only, and its
    /// data, state and log are nobody else's business on a shared host.</summary>
    public void EnsureCreated()
    {
        foreach (var directory in new[] { Root, DataDirectory, RunDirectory, LeaseDirectory, Path.GetDirectoryName(LogFile)! })
        {
            Directory.CreateDirectory(directory, OwnerOnly);
        }

        // Stores made by earlier versions had them world-readable.
        File.SetUnixFileMode(RunDirectory, OwnerOnly);
        File.SetUnixFileMode(Path.GetDirectoryName(LogFile)!, OwnerOnly);
    }

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
}
