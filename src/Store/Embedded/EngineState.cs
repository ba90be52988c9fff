using System.Text.Json;

namespace ReformMetrics.Store.Embedded;

/// <summary>What a running engine tells other processes of its owner about itself (run/engine.json, owner-only).
/// <paramref name="Confinement"/> says how the engine process is sandboxed ("landlock ABI n"), or why it is not.</summary>
public sealed record EngineState(int Pid, int HttpPort, string QueryId, DateTimeOffset StartedAt, string Confinement = "")
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsConfined => Confinement.StartsWith(EngineHost.ConfinedPrefix, StringComparison.Ordinal);

    public static EngineState? Read(string path) => StateFile.Read<EngineState>(path);

    public void Write(string path) => StateFile.Write(path, this);
}
