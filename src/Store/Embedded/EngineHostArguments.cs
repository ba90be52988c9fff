using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace ReformMetrics.Store.Embedded;

/// <summary>The engine process's command line, written by <see cref="EmbeddedEngine"/> (or a local cluster's launcher) when
/// it starts one and read by <c>reform-engine</c>.</summary>
/// <param name="TcpPort">Also serve ClickHouse's native TCP protocol on this port (cluster nodes talk to each other over it);
/// 0 for HTTP only.</param>
/// <param name="ClusterConfig">A file whose elements (remote_servers, macros, zookeeper...) join the engine's configuration;
/// null for a lone engine.</param>
/// <param name="Detached">The engine runs until it is told to stop (a signal, or its blocking statement killed) instead of
/// until its last lease holder is gone: the nodes of a local cluster outlive the command that started them.</param>
public sealed record EngineHostArguments(
    string Store, int Port, string Library, string QueryId, string Database, int TcpPort = 0, string? ClusterConfig = null, bool Detached = false)
{
    public const string Usage = "--store DIR --port P --library FILE --query-id ID --database NAME [--tcp-port P] [--cluster-config FILE] [--detached true]";

    private static readonly string[] Required = ["--store", "--port", "--library", "--query-id", "--database"];
    private static readonly string[] Optional = ["--tcp-port", "--cluster-config", "--detached"];

    public IReadOnlyList<string> ToList()
    {
        var list = new List<string>
        {
            "--store", Store, "--port", Port.ToString(CultureInfo.InvariantCulture), "--library", Library, "--query-id", QueryId,
            "--database", Database,
        };
        if (TcpPort > 0)
        {
            list.AddRange(["--tcp-port", TcpPort.ToString(CultureInfo.InvariantCulture)]);
        }

        if (ClusterConfig is not null)
        {
            list.AddRange(["--cluster-config", ClusterConfig]);
        }

        if (Detached)
        {
            list.AddRange(["--detached", "true"]);
        }

        return list;
    }

    /// <summary>Reads the options of <see cref="ToList"/> in any order; <paramref name="error"/> is in Vietnamese.</summary>
    public static bool TryParse(IReadOnlyList<string> arguments, [NotNullWhen(true)] out EngineHostArguments? parsed, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        parsed = null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < arguments.Count; i += 2)
        {
            var name = arguments[i];
            if (!Required.Contains(name) && !Optional.Contains(name))
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

        foreach (var required in Required)
        {
            if (!values.ContainsKey(required))
            {
                error = $"Thiếu {required}.";
                return false;
            }
        }

        if (!TryPort(values, "--port", out var port, out error) || !TryPort(values, "--tcp-port", out var tcpPort, out error))
        {
            return false;
        }

        var detached = false;
        if (values.TryGetValue("--detached", out var detachedText) && !bool.TryParse(detachedText, out detached))
        {
            error = $"--detached phải là true hoặc false, không phải '{detachedText}'.";
            return false;
        }

        parsed = new EngineHostArguments(
            values["--store"], port, values["--library"], values["--query-id"], values["--database"], tcpPort,
            values.GetValueOrDefault("--cluster-config"), detached);
        error = null;
        return true;
    }

    private static bool TryPort(Dictionary<string, string> values, string name, out int port, [NotNullWhen(false)] out string? error)
    {
        port = 0;
        error = null;
        if (!values.TryGetValue(name, out var text))
        {
            return true;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
        {
            error = $"{name} phải là số cổng (0 đến 65535), không phải '{text}'.";
            return false;
        }

        return true;
    }
}
