using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ReformMetrics.Dashboard.Access;
using ReformMetrics.Dashboard.Auth;
using ReformMetrics.Dashboard.Users;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Index766;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Metrics.Rankings;
using ReformMetrics.Metrics.Targets;

namespace ReformMetrics.Dashboard.Api;

/// <summary>
/// The metrics as JSON for the dashboard and scripts: GET /api/metrics (the catalogue), /api/kpi, /api/rankings and
/// /api/index766. Query parameters use the words of `reform kpi`: period or from and to, geo, province, sector, level,
/// agency, procedure, channel (comma-separated lists), by, compare. Rates are fractions, null where undefined; a bad
/// parameter gives 400 with a Vietnamese problem detail naming it. Every endpoint needs a signed-in user (cookie or
/// Bearer token) and answers only within what the user may see (<see cref="AccessScope"/>): a province viewer asking for
/// another province gets 403.
/// </summary>
public static class KpiApi
{
    public static IEndpointRouteBuilder MapKpiApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api").RequireAuthorization(DashboardAuth.Viewer);
        api.MapGet("/metrics", () => Results.Ok(MetricCatalogue.All.Select(m => new
        {
            m.Key, m.Label, Unit = m.Unit.ToString().ToLowerInvariant(), Better = m.Better.ToString().ToLowerInvariant(),
            m.Definition, m.Explanation, m.Denominator, m.Source, Family = m.Family.ToString().ToLowerInvariant(),
        })));

        api.MapGet("/kpi", (HttpRequest request, KpiService kpi, TargetService targets, ProvinceMap map, TimeProvider clock, CancellationToken cancellationToken) =>
            Answer(async () =>
            {
                var compare = SelectionParser.Compare(request.Query[SelectionWords.Compare].FirstOrDefault());
                var selection = await AccessScope.From(request.HttpContext.User).RestrictAsync(SelectionFrom(request, clock), map, cancellationToken).ConfigureAwait(false);
                var result = await kpi.GetAsync(selection, compare, cancellationToken).ConfigureAwait(false);
                var book = await targets.LoadAsync(selection.Period.End.Year, cancellationToken).ConfigureAwait(false);
                return KpiDocument.Build(selection, result, book);
            }));

        api.MapGet("/rankings", (HttpRequest request, RankingService rankings, ProvinceMap map, TimeProvider clock, CancellationToken cancellationToken) =>
            Answer(async () =>
            {
                // Provinces are ranked among every province of the geography, then the user is shown the places asked for
                // that they may see: a province viewer's rank is its national rank.
                var scope = AccessScope.From(request.HttpContext.User);
                var asked = SelectionFrom(request, clock);
                var restricted = await scope.RestrictAsync(asked, map, cancellationToken).ConfigureAwait(false); // refuses another province
                var metric = SelectionParser.Metric(request.Query[SelectionWords.Metric].FirstOrDefault(), MetricCatalogue.OnTimeRate);
                var by = asked.GroupBy.Count == 1 ? asked.GroupBy[0] : Dimension.Province;
                var selection = by == Dimension.Province ? restricted with { Provinces = [] } : restricted;
                var result = await rankings.RankAsync(selection, metric, by, cancellationToken).ConfigureAwait(false);
                var units = by == Dimension.Province && restricted.Provinces.Count > 0 ? result.Units.Where(u => restricted.Provinces.Contains(u.Code)).ToList() : result.Units;
                return new
                {
                    metric = result.Metric.Key,
                    label = result.Metric.Label,
                    by = Selection.KeyName(by),
                    period = KpiDocument.Describe(selection.Period),
                    previous_period = KpiDocument.Describe(selection.Period.Previous()),
                    units = units.Select(u => new { code = u.Code, name = u.Name, value = u.Value, rank = u.Rank, previous_rank = u.PreviousRank, movement = u.Movement }),
                };
            }));

        api.MapGet("/index766", (HttpRequest request, Index766Service index, ProvinceMap map, TimeProvider clock, CancellationToken cancellationToken) =>
            Answer(async () =>
            {
                // By province unless asked otherwise, so that a province (even the only one a user may see) is ranked among all.
                var selection = await AccessScope.From(request.HttpContext.User).RestrictAsync(SelectionFrom(request, clock), map, cancellationToken).ConfigureAwait(false);
                selection = selection.GroupBy.Count == 0 ? selection with { GroupBy = [Dimension.Province] } : selection;
                var result = await index.ComputeAsync(selection, cancellationToken).ConfigureAwait(false);
                return new
                {
                    period = KpiDocument.Describe(selection.Period),
                    geo = selection.Geo,
                    source = result.Scoring.Source,
                    rule = result.Scoring.Rule,
                    units = result.Units.Select(u => new
                    {
                        keys = KpiDocument.Keys(u.Keys),
                        points = Math.Round(u.Points, 2),
                        computed_max = u.ComputedMax,
                        share = u.Share,
                        rank = u.Rank,
                        groups = u.Groups.Select(g => new { id = g.Group.Id, name = g.Group.Name, max = g.Group.Max, points = Math.Round(g.Points, 2), computed_max = g.ComputedMax }),
                        indicators = u.Indicators.Select(i => new
                        {
                            id = i.Indicator.Id, name = i.Indicator.Name, group = i.Indicator.Group, max = i.Indicator.Max, threshold = i.Indicator.Threshold,
                            computed = i.Indicator.Computable, rate = i.Rate, points = i.Points is { } p ? Math.Round(p, 2) : (double?)null,
                            missing = i.Indicator.Missing,
                        }),
                    }),
                };
            }));
        return endpoints;
    }

    private static Selection SelectionFrom(HttpRequest request, TimeProvider clock)
    {
        var selection = SelectionParser.Parse(request.SelectionInput(), SelectionParser.TodayInVietnam(clock));
        // The live path reads every event of the period (23 s for a province's quarter on the demo store): an
        // administrator's check of the aggregates, not a viewer's question.
        if (selection.Source == KpiSource.LiveEvents && !request.HttpContext.User.IsInRole(Role.Admin.Name()))
        {
            throw new AccessDeniedException("source: chỉ quản trị viên được tính số liệu trực tiếp từ sự kiện gốc (source=live); dùng source=auto.");
        }

        return selection;
    }

    // A bad parameter (SelectionException) or a province not the user's (AccessDeniedException) becomes its problem
    // detail in StoreErrors, like everywhere else in the dashboard.
    private static async Task<IResult> Answer<T>(Func<Task<T>> answer) => Results.Json(await answer().ConfigureAwait(false), KpiDocument.Json);
}
