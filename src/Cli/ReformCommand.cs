using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using ClickHouse.Driver;
using Microsoft.Extensions.Options;
using ReformMetrics.Cli.Verbs;
using ReformMetrics.Store.Cluster;
using ReformMetrics.Store.Embedded;
using ReformMetrics.Store.Migrations;

namespace ReformMetrics.Cli;

/// <summary>The `reform` command: its verbs, and the mapping of failures to exit codes (0 ok, 1 failure, 2 bad usage).</summary>
internal static class ReformCommand
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int BadUsage = 2;
    private const int ReadonlyErrorCode = 164;
    private const int NotEnoughSpaceErrorCode = 243;

    public static async Task<int> RunAsync(string[] args)
    {
        // Numbers and dates people read are Vietnamese (1.234,5; 29/11/2026); machine output formats explicitly.
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("vi-VN");
        var root = new RootCommand("ReformMetrics: đo lường kết quả giải quyết thủ tục hành chính của các tỉnh, thành phố.");
        GlobalOptions.AddTo(root);
        root.Add(MigrateVerb.Create());
        root.Add(RefreshVerb.Create());
        root.Add(IngestVerb.Create());
        root.Add(GenerateVerb.Create());
        root.Add(KpiVerb.Create());
        root.Add(ReportVerb.Create());
        root.Add(DocsVerb.Create());
        root.Add(BenchVerb.Create());
        root.Add(ServeVerb.Create());
        root.Add(SourcesVerb.Create());
        root.Add(UsersVerb.Create());
        root.Add(SqlVerb.Create());
        root.Add(AnalystVerb.Create());
        root.Add(DemoVerb.Create());
        root.Add(EngineVerb.Create());
        root.Add(ClusterVerb.Create());

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                ConsoleUi.Fail(error.Message);
            }

            ConsoleUi.Info("Xem hướng dẫn: reform --help");
            return BadUsage;
        }

        // Ctrl-C and SIGTERM cancel the verb, which then releases the store (and with it the engine); a second
        // signal terminates at once.
        using var cancellation = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = !cancellation.IsCancellationRequested;
            cancellation.Cancel();
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        try
        {
            var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
            return await parse.InvokeAsync(configuration, cancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            ConsoleUi.Fail("Đã huỷ.");
            return Failure;
        }
        catch (LoadFailedException ex)
        {
            ConsoleUi.Fail(ex.Message);
            Verbose(parse, ex.InnerException);
            return Failure;
        }
        catch (UsageException ex)
        {
            ConsoleUi.Fail(ex.Message);
            return BadUsage;
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                ConsoleUi.Fail($"Cấu hình không hợp lệ: {failure}");
            }

            return BadUsage;
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            // A setting that cannot be read as its type (a time span written "2 giờ"): the binder names the setting.
            ConsoleUi.Fail($"Cấu hình không hợp lệ: {ex.Message} {ex.InnerException?.Message}".TrimEnd());
            return BadUsage;
        }
        catch (ClickHouseServerException ex)
        {
            ConsoleUi.Fail(ex.ErrorCode switch
            {
                ReadonlyErrorCode => $"{ex.Message}\nCâu lệnh này ghi dữ liệu hoặc đổi cấu trúc: thêm --write nếu thật sự muốn.",
                NotEnoughSpaceErrorCode => $"Đĩa của kho dữ liệu ClickHouse đã đầy: chưa lưu được gì thêm; giải phóng chỗ trống rồi chạy lại (dữ liệu đã lưu vẫn nguyên vẹn).\n{ex.Message}",
                _ => ex.Message,
            });
            return Failure;
        }
        catch (HttpRequestException ex)
        {
            ConsoleUi.Fail($"Không kết nối được ClickHouse: {ex.Message}");
            return Failure;
        }
        catch (Exception ex) when (ex is EngineUnavailableException or MigrationException or ClusterException)
        {
            ConsoleUi.Fail(ex.Message);
            return Failure;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A full disk, a missing folder, no permission: the operator's to fix, said plainly (not a crash).
            ConsoleUi.Fail($"Không đọc hoặc ghi được tệp: {ex.Message}");
            return Failure;
        }
#pragma warning disable CA1031 // The last resort: a command never ends in a stack trace and an abort (exit 134), nor silently.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            ConsoleUi.Fail($"Lỗi không lường trước ({ex.GetType().Name}): {ex.Message.Split('\n')[0].Trim()} Thêm -v để xem chi tiết.");
            Verbose(parse, ex);
            return Failure;
        }
    }

    /// <summary>With -v, the exception's whole story (type, stack, inner exceptions) for whoever investigates.</summary>
    private static void Verbose(ParseResult parse, Exception? exception)
    {
        if (exception is not null && parse.GetValue(GlobalOptions.Verbose))
        {
            Console.Error.WriteLine(exception.ToString());
        }
    }
}

/// <summary>The command line was well-formed but asks for something impossible; exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
