using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReformMetrics.Reports;
using ReformMetrics.Reports.Scheduling;

namespace ReformMetrics.Dashboard.Tests;

/// <summary>`reform serve` composes the scheduler and the dashboard: the configuration they share is read once.</summary>
public sealed class CompositionTests
{
    [Fact]
    public void The_report_schedules_are_bound_once_when_the_scheduler_and_the_dashboard_are_both_added()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Reports:Schedules:0:Name"] = "monthly", ["Reports:Schedules:0:Cron"] = "0 6 1 * *", ["Reports:Schedules:0:Provinces:0"] = "01",
        }).Build();
        var services = new ServiceCollection();

        services.AddReportScheduler(configuration);
        services.AddDashboard(configuration);
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<ReportScheduleOptions>>().Value;

        Assert.Equal(["monthly"], options.Schedules.Select(s => s.Name));
        Assert.Equal(["01"], options.Schedules[0].Provinces);
    }
}
