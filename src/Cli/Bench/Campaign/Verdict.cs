using Spectre.Console;

namespace ReformMetrics.Cli.Bench.Campaign;

/// <summary>One success criterion of a campaign: what was required, what was measured, and whether it held.
/// Skipped criteria (a scenario that cannot run here, e.g. without root) are shown and do not fail the run.</summary>
internal sealed record Criterion(string Name, string Required, string Measured, bool? Met)
{
    public static Criterion Check(string name, string required, string measured, bool met) => new(name, required, measured, met);

    public static Criterion Skipped(string name, string required, string why) => new(name, required, why, null);
}

/// <summary>The criteria of a run, printed as a table with the command that reproduces it; the exit code follows them.</summary>
internal sealed class Verdict
{
    private readonly List<Criterion> _criteria = [];

    public IReadOnlyList<Criterion> Criteria => _criteria;

    public void Add(Criterion criterion) => _criteria.Add(criterion);

    public bool Passed => _criteria.All(c => c.Met != false);

    public int Print(string title, string reproduce)
    {
        var table = new Table { Title = new TableTitle(Markup.Escape(title)) }.AddColumns("tiêu chí", "yêu cầu", "đo được", "kết quả");
        foreach (var c in _criteria)
        {
            table.AddRow(Markup.Escape(c.Name), Markup.Escape(c.Required), Markup.Escape(Short(c.Measured)), c.Met switch
            {
                true => "[green]ĐẠT[/]",
                false => "[red]KHÔNG ĐẠT[/]",
                null => "[yellow]BỎ QUA[/]",
            });
        }

        ConsoleUi.Out.Write(table);
        ConsoleUi.Out.WriteLine($"{(Passed ? "ĐẠT" : "KHÔNG ĐẠT")}: {_criteria.Count(c => c.Met == true)} tiêu chí đạt, {_criteria.Count(c => c.Met == false)} không đạt, {_criteria.Count(c => c.Met is null)} bỏ qua.");
        ConsoleUi.Out.WriteLine($"Chạy lại: {reproduce}");
        return Passed ? ReformCommand.Ok : ReformCommand.Failure;
    }

    // A measured value is a figure or a line; a longer message (a command's output) is cut so the table stays readable.
    private static string Short(string text)
    {
        var line = text.ReplaceLineEndings(" ").Replace('\t', ' ');
        return line.Length <= 160 ? line : string.Concat(line.AsSpan(0, 159), "…");
    }
}
