using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Metrics.Rankings;
using ReformMetrics.Metrics.Targets;
using ReformMetrics.Reports.Bulletin;
using ReformMetrics.Reports.Excel;
using ReformMetrics.Reports.OfficialForm;
using ReformMetrics.Store;

namespace ReformMetrics.Reports.Tests;

/// <summary>The report builders wired by hand on a test store, as AddKpi and AddReports wire them in the application.</summary>
internal static class TestReports
{
    public static KpiService Kpi(ClickHouseStore store) => new(store, NullLogger<KpiService>.Instance);

    public static TthcResultsBuilder Forms(ClickHouseStore store, TimeProvider clock) => new(Kpi(store), clock);

    public static BulletinBuilder Bulletins(ClickHouseStore store, TimeProvider clock)
    {
        var kpi = Kpi(store);
        return new BulletinBuilder(kpi, new RankingService(kpi), new TargetService(store), new TthcResultsBuilder(kpi, clock), clock);
    }

    public static ReportGenerator Generator(ClickHouseStore store, TimeProvider clock)
    {
        var kpi = Kpi(store);
        return new ReportGenerator(new TthcResultsBuilder(kpi, clock), new ProvincesReportBuilder(kpi, new RankingService(kpi), clock), Bulletins(store, clock));
    }
}
