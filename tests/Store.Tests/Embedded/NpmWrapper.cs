namespace ReformMetrics.Store.Tests.Embedded;

/// <summary>A stand-in for the npm command that calls the real npm and counts how often each verb ran,
/// optionally publishing a wrong integrity hash (a tampered registry or a broken download).</summary>
internal sealed class NpmWrapper : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("reform-npm-").FullName;

    public NpmWrapper(bool lieAboutIntegrity = false)
    {
        Path = System.IO.Path.Combine(_directory, "npm");
        var wrongHash = "sha512-" + Convert.ToBase64String(new byte[64]);
        File.WriteAllText(Path, $"""
            #!/bin/sh
            echo "$1" >> "{_directory}/calls"
            if [ "$1" = "view" ] && [ "{(lieAboutIntegrity ? "yes" : "no")}" = "yes" ]; then echo "{wrongHash}"; exit 0; fi
            exec npm "$@"
            """);
        File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Path { get; }

    public int Calls(string verb)
    {
        var calls = System.IO.Path.Combine(_directory, "calls");
        return File.Exists(calls) ? File.ReadAllLines(calls).Count(line => line == verb) : 0;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
