using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace ReformMetrics.Store.Embedded;

/// <summary>The engine process's command line, written by <see cref="EmbeddedEngine"/> when it starts one and read by
/// <c>reform-engine</c>.</summary>
public sealed record EngineHostArguments(string Store, int Port, string Library, string QueryId, string Database)
{
    public const string Usage = "--store DIR --port P --library FILE --query-id ID --database NAME";

    public IReadOnlyList<string> ToList() =>
    [
        "--store", Store, "--port", Port.ToString(CultureInfo.InvariantCulture), "--library", Library, "--query-id", QueryId,
        "--database", Database,
    ];

    /// <summary>Reads the options of <see cref="ToList"/> in any order; <paramref name="error"/> is in Vietnamese.</summary>
    public static bool TryParse(IReadOnlyList<string> arguments, [NotNullWhen(true)] out EngineHostArguments? parsed, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        parsed = null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < arguments.Count; i += 2)
        {
            var name = arguments[i];
            if (name is not ("--store" or "--port" or "--library" or "--query-id" or "--database"))
            {
                error = $"Tham số không hợp lệ: {name}.";
                return false;
            }

            if (i + 1 >= arguments.Count)
            {
                error = $"Thiếu giá trị cho {name}.";
                return false;
            }

            if (!values.TryAdd(name, arguments[i + 1]))
            {
                error = $"{name} được cho hai lần.";
                return false;
            }
        }

        foreach (var required in new[] { "--store", "--port", "--library", "--query-id", "--database" })
        {
            if (!values.ContainsKey(required))
            {
                error = $"Thiếu {required}.";
                return false;
            }
        }

        if (!int.TryParse(values["--port"], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            error = $"--port phải là số cổng (0 đến 65535), không phải '{values["--port"]}'.";
            return false;
        }

        parsed = new EngineHostArguments(values["--store"], port, values["--library"], values["--query-id"], values["--database"]);
        error = null;
        return true;
    }
}
