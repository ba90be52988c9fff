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

    public void EnsureCreated()
    {
        Directory.CreateDirectory(DataDirectory);
        Directory.CreateDirectory(LeaseDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(LogFile)!);
    }
}
