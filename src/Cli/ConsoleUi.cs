using Spectre.Console;

namespace ReformMetrics.Cli;

/// <summary>Terminal output: results on stdout, progress and messages on stderr.</summary>
internal static class ConsoleUi
{
    public static IAnsiConsole Out { get; } = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });

    public static IAnsiConsole Error { get; } = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>Runs work under a spinner whose text follows the work's progress reports.</summary>
    public static async Task WithStatusAsync(string initial, Func<IProgress<string>, Task> work)
    {
        if (!Error.Profile.Capabilities.Interactive)
        {
            await work(new Progress<string>(message => Error.MarkupLineInterpolated($"[grey]{message}[/]"))).ConfigureAwait(false);
            return;
        }

        await Error.Status().StartAsync(initial, async context =>
        {
            await work(new SynchronousProgress(message => context.Status(Markup.Escape(message)))).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    public static void Success(string message) => Error.MarkupLineInterpolated($"[green]{message}[/]");

    public static void Info(string message) => Error.MarkupLineInterpolated($"{message}");

    public static void Fail(string message) => Error.MarkupLineInterpolated($"[red]Lỗi:[/] {message}");

    /// <summary>Progress&lt;T&gt; posts to the thread pool, so messages could arrive after the work ended.</summary>
    private sealed class SynchronousProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
