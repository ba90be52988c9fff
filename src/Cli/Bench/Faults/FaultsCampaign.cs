using System.CommandLine;
using System.Globalization;
using ReformMetrics.Cli.Bench.Campaign;
using Spectre.Console;

namespace ReformMetrics.Cli.Bench.Faults;

/// <summary>
/// `reform bench faults`: the failures a production service meets, each a scenario with its own criteria: the embedded
/// engine killed during load and during a large ingest, the store's disk full, a report killed while it writes, the server
/// killed during a scheduled report. Each scenario says what happened; the run exits 1 when a criterion of any of them
/// failed. A scenario that cannot run here (a ClickHouse server instead of the embedded engine, no root for the tmpfs) is
/// shown as skipped.
/// </summary>
internal static class FaultsCampaign
{
    public static async Task<int> RunAsync(ParseResult parse, FaultsOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        await using var target = CampaignTarget.Create(parse, "faults");
        await target.EnsureDataAsync(options.Dossiers, cancellationToken);
        var facts = await StoreFacts.ReadAsync(target, cancellationToken);
        var tag = CampaignAccounts.RunTag();
        var national = (await CampaignAccounts.CreateAsync(target, [new($"bench-{tag}-national", Account.National, null, WithToken: false)], cancellationToken))[0];
        var source = await SourceKey.CreateAsync(target, $"bench-faults-{tag}", facts.Served.Take(2).Select(p => p.Code).ToList(), cancellationToken);
        var context = new FaultContext(target, facts, national, source, tag, options, new Timings());

        var verdict = new Verdict();
        // The engine is killed last but one and the store copied before the large ingest grows it.
        IFaultScenario[] order = [new ReportKill(), new ScheduleKill(), new EngineKillDuringLoad(), new DiskFull(), new EngineKillDuringIngest()];
        foreach (var scenario in order.Where(s => options.Scenarios.Contains(s.Id)))
        {
            var name = scenario.Id;
            ConsoleUi.Info($"Kịch bản {name}...");
            try
            {
                foreach (var criterion in await scenario.RunAsync(context, cancellationToken))
                {
                    verdict.Add(criterion);
                }
            }
            catch (Exception ex) when (ex is CampaignException or IOException or HttpRequestException or InvalidOperationException)
            {
                // One scenario going wrong is its finding; the others still run.
                verdict.Add(Criterion.Check($"{name}: chạy hết kịch bản", "không lỗi", ex.Message, false));
            }

            await FaultContext.WaitEngineStoppedAsync(target.StoreDirectory, TimeSpan.FromMinutes(1), cancellationToken);
        }

        if (context.Timings.Requests > 0)
        {
            var table = context.Timings.ToTable();
            table.Title = new TableTitle("Yêu cầu trong các kịch bản lỗi (gồm cả lúc lỗi: 503 ở đây là câu trả lời mong đợi)");
            ConsoleUi.Out.Write(table);
        }

        return verdict.Print("Chiến dịch lỗi", string.Create(CultureInfo.InvariantCulture,
            $"./reform bench faults --scenarios {string.Join(',', options.Scenarios)} --recovery-seconds {options.RecoverySeconds} --ingest-events {options.IngestEvents} --disk-mb {options.DiskMb} --dossiers {options.Dossiers} {target.Describe()}"));
    }
}
