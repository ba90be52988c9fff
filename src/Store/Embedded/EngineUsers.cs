using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace ReformMetrics.Store.Embedded;

/// <summary>
/// The embedded engine's users and their passwords. The passwords are generated once per store and kept in
/// <c>secrets/engine-users.json</c> (owner-only); the engine itself only ever sees their SHA-256, in the users file
/// written at each start.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>default</c>: the user chDB's start-up statements run as. It cannot have a password (start-up would fail) and
/// is reachable on loopback, so it holds only what start-up needs: <c>SYSTEM LISTEN</c>.</item>
/// <item><see cref="ServiceUser"/>: ReformMetrics itself; every right except reading files, URLs and other external
/// sources.</item>
/// <item><see cref="AnalystUser"/>: analysts (the SQL page, <c>reform sql --analyst</c>, external clients): SELECT on the
/// documented <c>v_*</c> views of the database only, read-only, with limits it cannot raise.</item>
/// </list>
/// Both names are 14 characters long on purpose: "name:" is then 15 bytes, a whole number of base64 groups, should a
/// proxy ever need to recognise them in a Basic authorization header.
/// </remarks>
public sealed record EngineUsers(string ServicePassword, string AnalystPassword)
{
    public const string ServiceUser = "reform_service";
    public const string AnalystUser = "reform_analyst";

    /// <summary>Limits of the analyst user, enforced by ClickHouse; a client may lower them, never raise them.</summary>
    public const int AnalystMaxSeconds = 60;
    public const long AnalystMaxMemoryBytes = 2_000_000_000;
    public const long AnalystMaxResultRows = 1_000_000;
    public const int AnalystQueriesPerMinute = 120;

    /// <summary>The store's passwords, created (owner-only) on first use.</summary>
    public static EngineUsers LoadOrCreate(StoreLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (Read(layout.UsersSecretFile) is { } existing)
        {
            return existing;
        }

        Directory.CreateDirectory(layout.SecretsDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(layout.SecretsDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var users = new EngineUsers(NewPassword(), NewPassword());
        var temp = $"{layout.UsersSecretFile}.{Environment.ProcessId}.tmp";
        using (var stream = new FileStream(temp, new FileStreamOptions
               {
                   Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
               }))
        {
            JsonSerializer.Serialize(stream, users);
        }

        // Two processes may create at once (a test run starts several): the first rename wins, everyone reads it.
        try
        {
            File.Move(temp, layout.UsersSecretFile, overwrite: false);
        }
        catch (IOException) when (File.Exists(layout.UsersSecretFile))
        {
            File.Delete(temp);
        }

        return Read(layout.UsersSecretFile) ?? throw new EngineUnavailableException($"Không đọc được {layout.UsersSecretFile}.");
    }

    /// <summary>A connection string for the service user on the engine's port.</summary>
    public string ServiceConnectionString(int port) =>
        string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={port};Protocol=http;Username={ServiceUser};Password={ServicePassword}");

    /// <summary>A connection string for the analyst user, defaulting to the ReformMetrics database.</summary>
    public string AnalystConnectionString(int port, string database) =>
        string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={port};Protocol=http;Username={AnalystUser};Password={AnalystPassword};Database={database}");

    /// <summary>The engine's configuration file: users, the analyst's profile and quota, and <paramref name="extra"/> (a cluster
    /// node's remote_servers, macros...). Written owner-only.</summary>
    public void WriteConfig(string path, string database, IEnumerable<XElement>? extra = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(database);
        var loopback = new XElement("networks", new XElement("ip", "::1"), new XElement("ip", "127.0.0.1"));
        XElement Grants(params string[] queries) => new("grants", queries.Select(q => new XElement("query", q)));
        XElement Limit(string setting, object max) => new(setting, new XElement("min", 1), new XElement("max", max));
        var config = new XElement("clickhouse",
            new XElement("user_directories", new XElement("users_xml", new XElement("path", path))),
            new XElement("profiles",
                new XElement("default"),
                new XElement(AnalystUser,
                    new XElement("readonly", 2),
                    new XElement("max_execution_time", AnalystMaxSeconds),
                    new XElement("max_memory_usage", AnalystMaxMemoryBytes),
                    new XElement("max_result_rows", AnalystMaxResultRows),
                    new XElement("result_overflow_mode", "throw"),
                    new XElement("allow_introspection_functions", 0),
                    new XElement("constraints",
                        new XElement("readonly", new XElement("const")),
                        new XElement("allow_introspection_functions", new XElement("const")),
                        Limit("max_execution_time", AnalystMaxSeconds),
                        Limit("max_memory_usage", AnalystMaxMemoryBytes),
                        Limit("max_result_rows", AnalystMaxResultRows)))),
            new XElement("quotas",
                new XElement("default"),
                new XElement(AnalystUser, new XElement("interval",
                    new XElement("duration", 60), new XElement("queries", AnalystQueriesPerMinute), new XElement("errors", AnalystQueriesPerMinute),
                    new XElement("execution_time", 0), new XElement("result_rows", 0), new XElement("read_rows", 0)))),
            new XElement("users",
                new XElement("default",
                    new XElement("password", string.Empty), new XElement(loopback), new XElement("profile", "default"), new XElement("quota", "default"),
                    Grants("GRANT SYSTEM LISTEN ON *.*")),
                new XElement(ServiceUser,
                    new XElement("password_sha256_hex", Sha256(ServicePassword)), new XElement(loopback), new XElement("profile", "default"),
                    new XElement("quota", "default"),
                    // Nothing of ReformMetrics reads files or URLs through ClickHouse; remote() stays for cluster tables.
                    Grants("GRANT ALL ON *.*", "REVOKE SOURCES ON *.*", "GRANT REMOTE ON *.*")),
                new XElement(AnalystUser,
                    new XElement("password_sha256_hex", Sha256(AnalystPassword)), new XElement(loopback), new XElement("profile", AnalystUser),
                    new XElement("quota", AnalystUser),
                    Grants($"GRANT SELECT ON {database}.v_*"))));
        foreach (var element in extra ?? [])
        {
            Merge(config, element);
        }

        var temp = $"{path}.{Environment.ProcessId}.tmp";
        using (var stream = new FileStream(temp, new FileStreamOptions
               {
                   Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
               }))
        {
            config.Save(stream);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Adds <paramref name="element"/> to <paramref name="parent"/> the way ClickHouse merges config.d files: an element
    /// that exists already gets the new one's children merged into it (so a profile can gain a setting), else it is added.</summary>
    private static void Merge(XElement parent, XElement element)
    {
        if (parent.Element(element.Name) is not { } existing)
        {
            parent.Add(new XElement(element));
            return;
        }

        if (!element.HasElements)
        {
            existing.ReplaceWith(new XElement(element));
            return;
        }

        if (!existing.HasElements)
        {
            existing.RemoveNodes();
        }

        foreach (var child in element.Elements())
        {
            Merge(existing, child);
        }
    }

    /// <summary>Never prints the passwords (a record would, in logs and exceptions).</summary>
    public override string ToString() => $"{nameof(EngineUsers)} ({ServiceUser}, {AnalystUser})";

    private static EngineUsers? Read(string path)
    {
        try
        {
            return File.Exists(path) && JsonSerializer.Deserialize<EngineUsers>(File.ReadAllText(path)) is { ServicePassword.Length: > 0, AnalystPassword.Length: > 0 } users
                ? users
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string NewPassword() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal static string Sha256(string password) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(password)));
}
