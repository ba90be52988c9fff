using System.Text.Json;

namespace ReformMetrics.Store.Embedded;

/// <summary>What a running engine tells other processes of its owner about itself (run/engine.json, owner-only).
/// <paramref name="Confinement"/> says how the engine process is sandboxed ("landlock ABI n"), or why it is not.</summary>
public sealed record EngineState(int Pid, int HttpPort, string QueryId, DateTimeOffset StartedAt, string Confinement = "")
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsConfined => Confinement.StartsWith(EngineHost.ConfinedPrefix, StringComparison.Ordinal);

    public static EngineState? Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<EngineState>(File.ReadAllText(path)) : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }

    public void Write(string path)
    {
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        using (var stream = new FileStream(temp, new FileStreamOptions
               {
                   Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
               }))
        {
            JsonSerializer.Serialize(stream, this);
        }

        File.Move(temp, path, overwrite: true);
    }
}
