namespace ReformMetrics.Metrics.Catalogue;

/// <summary>
/// The legal documents reports cite for each metric (<see cref="MetricDefinition.Bases"/>). Only citations checked
/// against a public copy or the reference notes go here: number, date, issuer and, where known, the article; a decree
/// replaced during a period is cited with the one that replaced it, each for its own days. What could not be verified
/// stays in the metric's documentation source and is never printed in a report.
/// </summary>
public static partial class MetricCatalogue
{
    // Properties, not fields: All is built by a field initializer of another part of the class, whose order against these is not defined.
    private static LegalBasis Form06 => new("Biểu số 06/VPCP/KSTT ban hành theo Thông tư số 01/2020/TT-VPCP ngày 21/10/2020 của Văn phòng Chính phủ");
    private static LegalBasis Postal => new("Quyết định số 45/2016/QĐ-TTg ngày 19/10/2016 của Thủ tướng Chính phủ");
    private static LegalBasis Feedback2008 => new("Nghị định số 20/2008/NĐ-CP của Chính phủ");

    private static LegalBasis Index766(string indicator) => new($"Quyết định số 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ, chỉ số {indicator}", From: new DateOnly(2022, 6, 23));

    private static IReadOnlyList<LegalBasis> BasesOf(string key) => key switch
    {
        "carried_over" or "received_new" or "received_online" or "received_direct" or "received_postal" or "received_total" or "resolved_total"
            or "resolved_early" or "resolved_on_time" or "resolved_overdue" or "withdrawn" or "in_progress" or "in_progress_within_deadline"
            or "in_progress_overdue" or "on_time_rate" or "early_rate" or "overdue_rate" or "resolution_rate" or "direct_share" => [Form06],
        "late_rate_766" or "on_time_rate_766" => [Index766("2.1")],
        "online_share" => [Index766("3.3")],
        "online_payment_share" => [Index766("3.6")],
        "feedback_on_time_rate" => [Index766("5.2")],
        "postal_share" or "postal_return_share" => [Postal],
        "feedback_received" or "feedback_resolved" or "feedback_resolution_rate" => [Feedback2008],
        "apology_rate" or "apologized_overdue" =>
        [
            new("Nghị định số 61/2018/NĐ-CP của Chính phủ, Điều 19 khoản 9", Until: new DateOnly(2025, 6, 30)),
            new("Nghị định số 118/2025/NĐ-CP ngày 09/6/2025 của Chính phủ", From: new DateOnly(2025, 7, 1)),
        ],
        _ => [],
    };

    private static List<MetricDefinition> WithSources(MetricDefinition[] metrics) => metrics.Select(m => m with { Bases = BasesOf(m.Key) }).ToList();
}
