using System.Text.RegularExpressions;
using ReformMetrics.Cli.Bench.Campaign;

namespace ReformMetrics.Cli.Bench.Load;

/// <summary>What every visitor of a load run shares: the data's provinces and periods, the think time, the spot-checks, and
/// whether the SQL page answers on this store (it needs an analyst account of ClickHouse, which a server may not have).</summary>
internal sealed record LoadPlan(StoreFacts Facts, TimeSpan Think, ProvinceGuard Guard, bool SqlPage = true);

/// <summary>
/// One person using the dashboard for the length of a load run: signs in through the form, then clicks, reads (think time,
/// uniform between half and one and a half times the mean), clicks again. What they click follows their role: national
/// staff compare provinces and download reports, province viewers open their province and export its overdue list (and,
/// now and then, try another province's page or figures, which must be refused), report officers also make a report,
/// analysts query the views on the SQL page and call the API with their token, administrators open the administration.
/// </summary>
internal sealed partial class Visitor(DashboardClient browser, DashboardClient? script, LoadPlan plan, int seed)
{
    public const string Page = "trang";
    public const string Api = "API";
    public const string Export = "xuất tệp";
    public const string Sql = "trang SQL";

    public static readonly string[] Queries =
    [
        "SELECT province_name, sum(received_new) AS received FROM v_kpi_month WHERE geo = 2025 AND month = toDate('{month}') GROUP BY province_name ORDER BY received DESC",
        "SELECT procedure_name, count() AS resolved, round(avg(processing_wd), 1) AS avg_wd FROM v_dossiers WHERE province_2025 = '{province}' AND status = 'resolved' GROUP BY procedure_name ORDER BY avg_wd DESC LIMIT 20",
        "SELECT channel, count() AS dossiers FROM v_dossiers WHERE cohort = toDate('{month}') GROUP BY channel",
        "SELECT dossier_id, province_2025, agency_code, overdue_wd_now FROM v_overdue_now ORDER BY overdue_wd_now DESC LIMIT 50",
    ];

    private readonly Random _random = new(seed);

    private Account Account => browser.Account!;

    public async Task RunAsync(TimeSpan rampUp, CancellationToken stop)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(_random.NextDouble() * rampUp.TotalMilliseconds), stop);
            while (!stop.IsCancellationRequested)
            {
                if (!browser.SignedIn)
                {
                    await TrySignInAsync(stop);
                    if (browser.SignedIn && Account.IsProvinceBound)
                    {
                        // Every province user checks at least once, however short the run: another province's page or
                        // figures, then their own figures.
                        await OtherProvinceAsync(stop);
                        await ApiAsync("by=province", stop);
                    }
                }
                else
                {
                    await ClickAsync(stop);
                }

                await Task.Delay(plan.Think * (0.5 + _random.NextDouble()), stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task TrySignInAsync(CancellationToken stop)
    {
        try
        {
            await browser.SignInAsync(stop);
        }
        catch (CampaignException)
        {
            // Recorded as an error by the client already; the visitor tries again after thinking.
        }
    }

    private Task ClickAsync(CancellationToken stop) => Account.Role switch
    {
        Account.ProvinceViewer => Pick(ProvinceActions(), stop),
        Account.Reporter => Pick([.. ProvinceActions(), (1.0, MakeReportAsync)], stop),
        Account.Analyst => Pick(
            [
                (0.5, s => PageAsync("/sql", s)), (2, SqlAsync), (2, s => ApiAsync("by=sector", s)), (0.5, s => PageAsync("/chi-so", s)),
                (0.5, s => ExportAsync(s)), (1, s => PageAsync($"/?period={Period()}", s)),
            ], stop),
        Account.Admin => Pick(
            [
                (1, s => PageAsync("/quan-tri", s)), (1, s => PageAsync($"/?period={Period()}", s)), (1, SqlAsync), (1, s => ApiAsync("by=province", s)),
                (0.5, DownloadReportAsync),
            ], stop),
        _ => Pick(
            [
                (3, s => PageAsync($"/?period={Period()}", s)), (2, s => PageAsync($"/tinh/{AnyProvince().Code}?period={Period()}", s)),
                (2, s => ApiAsync("by=province", s)), (1, s => ApiPathAsync($"/api/rankings?period={Period()}&metric=on_time_rate", s)),
                (1, s => PageAsync($"/qua-han?period={Period()}&trang={_random.Next(1, 4)}", s)), (1, s => ExportAsync(s, AnyProvince().Code)),
                (1, DownloadReportAsync), (1, s => PageAsync(_random.Next(2) == 0 ? $"/nhiem-vu?period={Year()}" : $"/phan-anh?period={Year()}", s)),
                (0.5, s => PageAsync("/chi-so", s)), (0.5, s => ApiPathAsync($"/api/index766?period={Year()}", s)),
            ], stop),
    };

    private (double, Func<CancellationToken, Task>)[] ProvinceActions() =>
    [
        (3, OwnProvinceAsync), (1, s => PageAsync($"/qua-han?period={Period()}", s)), (1, s => ExportAsync(s)), (1, s => ApiAsync("by=province", s)),
        (0.5, s => ApiPathAsync($"/api/rankings?period={Period()}&metric=on_time_rate", s)), (0.5, OtherProvinceAsync),
        (1, s => PageAsync(_random.Next(3) switch { 0 => $"/nhiem-vu?period={Year()}", 1 => $"/phan-anh?period={Year()}", _ => "/bao-cao" }, s)),
    ];

    private async Task Pick((double Weight, Func<CancellationToken, Task> Action)[] actions, CancellationToken stop)
    {
        var roll = _random.NextDouble() * actions.Sum(a => a.Weight);
        foreach (var (weight, action) in actions)
        {
            roll -= weight;
            if (roll <= 0)
            {
                await action(stop);
                return;
            }
        }
    }

    private Task<Answer> PageAsync(string path, CancellationToken stop) => browser.GetAsync(Page, path, stop);

    /// <summary>The overview, which sends a province user on to their province's page.</summary>
    private async Task OwnProvinceAsync(CancellationToken stop)
    {
        var period = Period();
        await browser.GetAsync(Page, $"/?period={period}", stop);
        await browser.GetAsync(Page, $"/tinh/{Account.Province}?period={period}", stop);
    }

    /// <summary>A province user trying another province: the page, the figures and the export must all be refused.</summary>
    private async Task OtherProvinceAsync(CancellationToken stop)
    {
        var other = plan.Facts.Served.First(p => p.Code != Account.Province).Code;
        var (path, kind) = _random.Next(3) switch
        {
            0 => ($"/tinh/{other}?period={Period()}", Page),
            1 => ($"/api/kpi?period={Period()}&province={other}", Api),
            _ => ($"/qua-han/csv?period={Period()}&province={other}", Export),
        };
        plan.Guard.Refused(Account, path, await browser.GetAsync(kind, path, stop, expectRefusal: true));
    }

    private Task ApiAsync(string query, CancellationToken stop) => ApiPathAsync($"/api/kpi?period={Period()}&{query}", stop);

    private async Task ApiPathAsync(string path, CancellationToken stop)
    {
        var geo2008 = Account.IsProvinceBound && _random.Next(4) == 0;
        var client = script ?? browser;
        var answer = await client.GetAsync(Api, geo2008 ? path + "&geo=2008" : path, stop);
        if (Account.IsProvinceBound)
        {
            var own = plan.Facts.Provinces.First(p => p.Code == Account.Province);
            plan.Guard.Json(Account, path, answer, geo2008 ? [.. own.OldCodes, "N" + own.Code] : [own.Code]);
        }
    }

    private async Task ExportAsync(CancellationToken stop, string? province = null)
    {
        var path = $"/qua-han/csv?period={Period()}" + (province is null ? string.Empty : $"&province={province}");
        var answer = await browser.GetAsync(Export, path, stop);
        if (Account.IsProvinceBound)
        {
            plan.Guard.Csv(Account, path, answer, "tinh", [plan.Facts.NameOf(Account.Province!)]);
        }
    }

    private async Task SqlAsync(CancellationToken stop)
    {
        if (!plan.SqlPage)
        {
            await ApiAsync("by=sector", stop);
            return;
        }

        var sql = Queries[_random.Next(Queries.Length)]
            .Replace("{month}", plan.Facts.LastFullMonth.ToString("yyyy-MM-01", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{province}", AnyProvince().Code, StringComparison.Ordinal);
        await browser.PostFormAsync(Sql, "/sql", new() { ["sql"] = sql }, stop);
    }

    private Task<Answer> MakeReportAsync(CancellationToken stop) => browser.PostFormAsync(Export, "/bao-cao/lap", new()
    {
        ["form"] = "tthc-results", ["format"] = "xlsx", ["period"] = plan.Facts.Periods[0], ["province"] = Account.Province ?? string.Empty,
    }, stop);

    /// <summary>Opens the reports page and downloads one of the files it lists.</summary>
    private async Task DownloadReportAsync(CancellationToken stop)
    {
        var list = await browser.GetAsync(Page, "/bao-cao", stop);
        var files = ReportLink().Matches(list.Body).Select(m => m.Groups[1].Value).ToList();
        if (files.Count > 0)
        {
            await browser.GetAsync(Export, files[_random.Next(files.Count)], stop);
        }
    }

    private string Period() => plan.Facts.Periods[_random.Next(plan.Facts.Periods.Count)];

    private string Year() => plan.Facts.Periods.First(p => p.EndsWith("-YTD", StringComparison.Ordinal));

    private ProvinceFacts AnyProvince() => plan.Facts.Served[_random.Next(plan.Facts.Served.Count)];

    [GeneratedRegex("href=\"(/bao-cao/tep/[^\"]+)\"")]
    internal static partial Regex ReportLink();
}
