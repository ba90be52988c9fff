using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using ReformMetrics.Store;
using ReformMetrics.Store.Embedded;

namespace ReformMetrics.Cli.Verbs;

/// <summary>
/// `reform engine` (hidden): `exec -- CMD` to run a command while the store's engine is up with REFORM_CLICKHOUSE (the
/// service user) and REFORM_CLICKHOUSE_ANALYST (the analyst user) pointing at it (the test script runs the suite this way,
/// so every test project shares one engine), and `status`. The engine's own process is `reform-engine`
/// (src/Store.EngineHost), which the store starts.
/// </summary>
internal static class EngineVerb
{
    public static Command Create()
    {
        var command = new Command("engine", "Bộ máy ClickHouse nhúng (dùng nội bộ).") { Hidden = true };
        command.Add(CreateExec());
        command.Add(CreateStatus());
        return command;
    }

    private static Command CreateExec()
    {
        var commandLine = new Argument<string[]>("command") { Arity = ArgumentArity.OneOrMore, Description = "Lệnh cần chạy" };
        var command = new Command("exec", "Chạy một lệnh trong khi bộ máy nhúng hoạt động, với REFORM_CLICKHOUSE trỏ tới nó.") { commandLine };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var cli = await CliHost.StartAsync(parse, cancellationToken);
            var arguments = parse.GetRequiredValue(commandLine);
            var start = new ProcessStartInfo(arguments[0]) { UseShellExecute = false };
            foreach (var argument in arguments.Skip(1))
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["REFORM_CLICKHOUSE"] = cli.Store.ConnectionString;
            if (cli.Store.AnalystConnectionString is { } analyst)
            {
                start.Environment[ClickHouseOptions.AnalystEnvironmentVariable] = analyst;
            }
            using var child = Process.Start(start) ?? throw new UsageException($"Không chạy được {arguments[0]}.");
            // Ctrl-C or SIGTERM: end the child before giving up the engine it runs against.
            await using (cancellationToken.Register(() => child.Kill(entireProcessTree: true)))
            {
                await child.WaitForExitAsync(CancellationToken.None);
            }

            return child.ExitCode;
        });
        return command;
    }

    private static Command CreateStatus()
    {
        var command = new Command("status", "Cho biết bộ máy nhúng của thư mục dữ liệu có đang chạy không.");
        command.SetAction(parse =>
        {
            var layout = StoreLayout.For(parse.GetValue(GlobalOptions.Store) ?? ".reform-data");
            if (FileLock.IsFree(layout.EngineLock) || EngineState.Read(layout.StateFile) is not { } state)
            {
                ConsoleUi.Info($"Không có bộ máy nhúng nào chạy trên {layout.Root}.");
                return 1;
            }

            ConsoleUi.Out.WriteLine($"pid {state.Pid}, http://127.0.0.1:{state.HttpPort}, từ {state.StartedAt.ToLocalTime():dd/MM/yyyy HH:mm:ss}, {Lease.CountLive(layout.LeaseDirectory)} tiến trình đang dùng, "
                + (state.IsConfined ? $"cô lập bằng {state.Confinement}" : $"KHÔNG cô lập ({state.Confinement})"));
            return 0;
        });
        return command;
    }
}
