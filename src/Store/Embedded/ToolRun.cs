using System.Diagnostics;

namespace ReformMetrics.Store.Embedded;

/// <summary>A command-line tool the store needs (npm for the engine, apt-get for ZooKeeper), run to its end with its output
/// captured: stdin closed, killed with its children when the caller gives up.</summary>
internal static class ToolRun
{
    /// <summary>Runs the started process to its end: its exit code, standard output and standard error.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> CompleteAsync(Process process, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(process);
        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            return (process.ExitCode, await stdout.ConfigureAwait(false), (await stderr.ConfigureAwait(false)).Trim());
        }
    }
}
