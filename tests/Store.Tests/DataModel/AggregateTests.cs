using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Store.Refresh;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Store.Tests.DataModel;

/// <summary>Period counts from the pre-aggregates on a small scenario worked out by hand.</summary>
public sealed class AggregateTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Carried_over_flow_and_stock_of_March_and_April_2025_match_the_hand_count()
    {
        // Province 01, procedure DEMO.HT.004. Letters as in the comments below.
        await WriteAsync("A", new Ev("received", "2025-02-20 09:00", Due: "2025-02-25 17:00"), new Ev("resolved", "2025-03-04 10:00"));   // carried over, resolved overdue in March
        await WriteAsync("B", new Ev("received", "2025-02-26 09:00", Due: "2025-03-10 17:00"));                                           // carried over, overdue in progress
        await WriteAsync("C", new Ev("received", "2025-03-05 09:00", Due: "2025-03-07 17:00"), new Ev("resolved", "2025-03-06 10:00"));   // new, early
        await WriteAsync("D", new Ev("received", "2025-03-20 09:00", Due: "2025-04-10 17:00"));                                           // new, within deadline at end of March
        await WriteAsync("E", new Ev("received", "2025-03-25 09:00", Due: "2025-03-28 17:00"), new Ev("withdrawn", "2025-03-27 10:00"));  // new, withdrawn
        await WriteAsync("F", new Ev("received", "2025-01-10 09:00", Due: "2025-01-15 17:00"), new Ev("resolved", "2025-02-01 10:00"));   // before March: nowhere
        await WriteAsync("G", new Ev("received", "2025-03-28 09:00", Due: "2025-03-31 10:00"), new Ev("resolved", "2025-04-02 10:00"));   // overdue at the end of March, resolved overdue in April
        await WriteAsync("H", new Ev("received", "2025-02-27 09:00", Due: "2025-03-05 17:00"), new Ev("supplement_requested", "2025-03-03 10:00")); // waiting for the applicant: never overdue
        await WriteAsync("I", new Ev("received", "2025-03-12 09:00", Province: "79", Due: "2025-03-14 17:00"));                           // another province
        await new DossierRefresher(database.Store, NullLogger<DossierRefresher>.Instance).RefreshAsync(TestContext.Current.CancellationToken);

        var march = new PeriodCounts(CarriedOver: 3, ReceivedNew: 4, ResolvedEarly: 1, ResolvedOnTime: 0, ResolvedOverdue: 1, Withdrawn: 1, InProgress: 4, InProgressOverdue: 2);
        var april = new PeriodCounts(CarriedOver: 4, ReceivedNew: 0, ResolvedEarly: 0, ResolvedOnTime: 0, ResolvedOverdue: 1, Withdrawn: 0, InProgress: 3, InProgressOverdue: 2);
        foreach (var table in new[] { "kpi_daily", "kpi_monthly" })
        {
            Assert.Equal(march, await PeriodCounts.ReadAsync(database.Store, table, 2025, "01", "2025-03-01", "2025-03-31"));
            Assert.Equal(april, await PeriodCounts.ReadAsync(database.Store, table, 2025, "01", "2025-04-01", "2025-04-30"));
        }

        // The form's identities hold, and the end of one period is the start of the next.
        Assert.Equal(march.ReceivedTotal, march.ResolvedTotal + march.Withdrawn + march.InProgress);
        Assert.Equal(march.InProgress, april.CarriedOver);
        // A custom range inside March, from the daily table: 10 March to 26 March.
        Assert.Equal(
            new PeriodCounts(CarriedOver: 2, ReceivedNew: 2, ResolvedEarly: 0, ResolvedOnTime: 0, ResolvedOverdue: 0, Withdrawn: 0, InProgress: 4, InProgressOverdue: 1),
            await PeriodCounts.ReadAsync(database.Store, "kpi_daily", 2025, "01", "2025-03-10", "2025-03-26"));
    }

    [Fact]
    public async Task A_province_that_existed_until_June_2025_reports_under_the_new_province_in_2025_and_under_itself_in_2008()
    {
        await WriteAsync("geo-old-tay-ninh", new Ev("received", "2025-03-12 09:00", Province: "72", Due: "2025-03-14 17:00"), new Ev("resolved", "2025-03-13 10:00"));
        await WriteAsync("geo-long-an", new Ev("received", "2025-03-12 09:00", Province: "80", Due: "2025-03-14 17:00"), new Ev("resolved", "2025-03-17 10:00"));
        await WriteAsync("geo-new-tay-ninh", new Ev("received", "2025-08-12 09:00", Province: "80", Due: "2025-08-14 17:00"), new Ev("resolved", "2025-08-14 10:00"));
        await new DossierRefresher(database.Store, NullLogger<DossierRefresher>.Instance).RefreshAsync(TestContext.Current.CancellationToken);
        await using var connection = database.Store.CreateConnection();

        async Task<(long Received, long Early, long OnTime, long Overdue)> MonthAsync(int geo, string province) =>
            await connection.QuerySingleAsync<(long, long, long, long)>(
                """
                SELECT sum(received_new), sum(resolved_early), sum(resolved_on_time), sum(resolved_overdue) FROM v_kpi_month
                WHERE geo = @geo AND province_code = @province AND month IN ('2025-03-01', '2025-08-01')
                """,
                new { geo, province });

        Assert.Equal((3L, 1L, 1L, 1L), await MonthAsync(2025, "80"));   // new Tây Ninh: former Tây Ninh + Long An + itself
        Assert.Equal((1L, 1L, 0L, 0L), await MonthAsync(2008, "72"));   // former Tây Ninh alone
        Assert.Equal((1L, 0L, 0L, 1L), await MonthAsync(2008, "80"));   // former Long An alone
        Assert.Equal((1L, 0L, 1L, 0L), await MonthAsync(2008, "N80"));  // after the merger, no single 2008 unit
        Assert.Equal(
            "Tây Ninh (đơn vị từ 01/07/2025)",
            await connection.ExecuteScalarAsync<string>("SELECT province_2008_name FROM v_dossiers WHERE dossier_id = 'agg-geo-new-tay-ninh'"));
        Assert.Equal(
            ("Long An", "Tây Ninh"),
            await connection.QuerySingleAsync<(string, string)>("SELECT province_2008_name, province_2025_name FROM v_dossiers WHERE dossier_id = 'agg-geo-long-an'"));
    }

    private Task WriteAsync(string dossierId, params Ev[] events) => EventWriter.WriteAsync(database.Store, $"agg-{dossierId}", events);
}
