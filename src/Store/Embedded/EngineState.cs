using System.Text.Json;

namespace ReformMetrics.Store.Embedded;

/// <summary>What a running engine tells other processes about itself (run/engine.json).</summary>
public sealed record EngineState(int Pid, int HttpPort, string QueryId, DateTimeOffset StartedAt)
{
    public string ConnectionString => $"Host=127.0.0.1;Port={HttpPort};Protocol=http;Username=default;Password=";

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
        File.WriteAllText(temp, JsonSerializer.Serialize(this));
        File.Move(temp, path, overwrite: true);
    }
}
