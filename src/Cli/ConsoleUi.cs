using Spectre.Console;

namespace ReformMetrics.Cli;

/// <summary>Terminal output: results on stdout, progress and messages on stderr.</summary>
internal static class ConsoleUi
{
    public static IAnsiConsole Out { get; } = CreateOut();

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
            await work(new SynchronousProgress<string>(message => context.Status(Markup.Escape(message)))).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    // Redirected output has no terminal width; Spectre would assume 80 columns and wrap every table cell.
    private static IAnsiConsole CreateOut()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 200;
        }

        return console;
    }

    public static void Success(string message) => Line(message, $"[green]{Markup.Escape(message)}[/]");

    public static void Info(string message) => Line(message, Markup.Escape(message));

    public static void Fail(string message) => Line($"Lỗi: {message}", $"[red]Lỗi:[/] {Markup.Escape(message)}");

    /// <summary>A message on stderr: drawn by Spectre on a terminal, one plain line when stderr goes to a file or a pipe
    /// (Spectre would wrap it at 80 columns, cutting paths and sentences in a log).</summary>
    private static void Line(string plain, string markup)
    {
        if (Console.IsErrorRedirected)
        {
            Console.Error.WriteLine(plain);
        }
        else
        {
            Error.MarkupLine(markup);
        }
    }

}

/// <summary>Reports on the caller's thread: Progress&lt;T&gt; posts to the thread pool, so reports could arrive after
/// the work ended and after the display was torn down.</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
