using System.Text.Json;

namespace ReformMetrics.Store.Embedded;

/// <summary>A small JSON record a process leaves for others (an engine's state, a local cluster's): written whole through a
/// temporary file and a rename, readable by its owner only; read as missing when absent or unreadable.</summary>
internal static class StateFile
{
    public static T? Read<T>(string path)
        where T : class
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<T>(File.ReadAllText(path)) : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }

    public static void Write<T>(string path, T value, JsonSerializerOptions? options = null)
    {
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        using (var stream = new FileStream(temp, new FileStreamOptions
               {
                   Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
               }))
        {
            JsonSerializer.Serialize(stream, value, options);
        }

        File.Move(temp, path, overwrite: true);
    }
}
