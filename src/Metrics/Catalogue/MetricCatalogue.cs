namespace ReformMetrics.Metrics.Catalogue;

/// <summary>Every metric of the catalogue, in the order reports list them (docs/metrics.md is rendered from it).</summary>
public static partial class MetricCatalogue
{
    private const string FormOfficial = "Biểu số 06/VPCP/KSTT, as the one-stop systems print it: \"Ban hành theo Thông tư số 01/2020/TT-VPCP ngày 21/10/2020\"";
    private const string Analytic = "No legal definition: an analytic figure of this project; working days exclude weekends and the public holidays of Bộ luật Lao động 45/2019/QH14, Điều 112";
    private const string Decision766 = "Quyết định 766/QĐ-TTg ngày 23/6/2022, chỉ số 2.1 as the national portal computes it (the Decision's annex was not read)";

    public static readonly IReadOnlyList<MetricDefinition> All = WithSources(
    [
        Count("carried_over", "Số kỳ trước chuyển qua", "received before the start, neither resolved nor withdrawn before it", "b_carried_over"),
        Count("received_new", "Số mới tiếp nhận", "received within the period", "b_received_new"),
        Count("received_online", "Trực tuyến", "received within the period online", "b_received_online"),
        Count("received_direct", "Trực tiếp", "received within the period at the counter", "b_received_direct"),
        Count("received_postal", "Qua bưu chính", "received within the period by post", "b_received_postal"),
        Count("received_total", "Tổng số hồ sơ nhận giải quyết", "carried_over + received_new", "carried_over + received_new"),
        Count("resolved_total", "Số hồ sơ đã giải quyết (không kể hồ sơ xin rút)", "resolved within the period, whenever received", "resolved_early + resolved_on_time + resolved_overdue"),
        Count("resolved_early", "Trước hạn", "resolved on a calendar day before the due date", "b_resolved_early"),
        Count("resolved_on_time", "Đúng hạn", "resolved on the due date, not after due_at", "b_resolved_on_time"),
        Count("resolved_overdue", "Quá hạn", "resolved after due_at", "b_resolved_overdue"),
        Count("withdrawn", "Rút hồ sơ", "withdrawn within the period (not resolved)", "b_withdrawn"),
        Count("in_progress", "Số hồ sơ đang giải quyết", "received and neither resolved nor withdrawn at the end of the period", "b_in_progress"),
        Count("in_progress_within_deadline", "Đang giải quyết trong hạn", "in progress at the end, deadline not passed (or waiting for the applicant)", "in_progress - in_progress_overdue"),
        Count("in_progress_overdue", "Đang giải quyết quá hạn", "in progress at the end, deadline passed and not waiting for the applicant", "b_in_progress_overdue"),
        Count("apologized_overdue", "Có thư xin lỗi", "overdue dossiers (resolved in the period or pending at its end) with an apology letter", "b_resolved_overdue_apologized + b_in_progress_overdue_apologized", Better.Higher,
            "The duty to apologise for a late result: Nghị định 61/2018/NĐ-CP, Điều 19 khoản 9, until 30/06/2025, then Nghị định 118/2025/NĐ-CP ngày 09/6/2025 (its apology article was not verified); not a column of Biểu số 06"),

        Rate("on_time_rate", "Tỷ lệ đúng hạn trên số hồ sơ đã giải quyết", "(resolved_early + resolved_on_time) / resolved_total", "resolved_total", FormOfficial,
            "(resolved_early + resolved_on_time) / nullIf(resolved_total, 0)"),
        Rate("on_time_rate_of_received", "Tỷ lệ đúng hạn trên tổng số hồ sơ nhận giải quyết", "(resolved_early + resolved_on_time) / received_total", "received_total",
            "Provincial reports give it beside the rate over resolved dossiers (Tây Ninh, 9 months: 254.598 on time of 270.497 received); no circular defines it", "(resolved_early + resolved_on_time) / nullIf(received_total, 0)"),
        Rate("early_rate", "Tỷ lệ giải quyết trước hạn", "resolved_early / resolved_total", "resolved_total", FormOfficial, "resolved_early / nullIf(resolved_total, 0)"),
        Rate("overdue_rate", "Tỷ lệ giải quyết quá hạn", "resolved_overdue / resolved_total", "resolved_total", FormOfficial,
            "resolved_overdue / nullIf(resolved_total, 0)", Better.Lower),
        Rate("overdue_rate_of_received", "Tỷ lệ quá hạn trên tổng số hồ sơ nhận giải quyết", "resolved_overdue / received_total", "received_total",
            "Provincial reports, as on_time_rate_of_received; no circular defines it", "resolved_overdue / nullIf(received_total, 0)", Better.Lower),
        Rate("late_rate_766", "Tỷ lệ hồ sơ trễ hạn (cách tính 766)",
            "(resolved overdue by the 766 rule + in_progress_overdue) / received_total; the 766 rule also counts a resolved dossier with more than one supplement request as overdue",
            "received_total", "Provinces' guidance on scoring Quyết định 766/QĐ-TTg ngày 23/6/2022, chỉ số 2.1, as public one-stop code implements it (the Decision's annex was not read)", "(b_resolved_overdue_766 + in_progress_overdue) / nullIf(received_total, 0)", Better.Lower),
        Rate("on_time_rate_766", "Tỷ lệ hồ sơ đúng hạn, trong hạn (cách tính 766)", "1 − late_rate_766: resolved on time or still within the deadline, over all handled in the period",
            "received_total", Decision766, "1 - late_rate_766"),
        Rate("resolution_rate", "Tỷ lệ đã giải quyết", "resolved_total / received_total", "received_total", FormOfficial, "resolved_total / nullIf(received_total, 0)"),
        Rate("online_share", "Tỷ lệ hồ sơ trực tuyến", "received_online / received_new", "received_new", "Quyết định 766/QĐ-TTg ngày 23/6/2022, chỉ số 3.3, as the national portal computes it",
            "received_online / nullIf(received_new, 0)"),
        Rate("postal_share", "Tỷ lệ hồ sơ qua bưu chính", "received_postal / received_new", "received_new", "Quyết định 45/2016/QĐ-TTg ngày 19/10/2016 (hồ sơ, kết quả qua dịch vụ bưu chính công ích)",
            "received_postal / nullIf(received_new, 0)", Better.Neutral),
        Rate("direct_share", "Tỷ lệ hồ sơ trực tiếp", "received_direct / received_new", "received_new", FormOfficial + ", column (5)",
            "received_direct / nullIf(received_new, 0)", Better.Neutral),
        Rate("online_share_enabled", "Tỷ lệ trực tuyến của TTHC có dịch vụ công trực tuyến toàn trình",
            "online among dossiers of procedures offered online / dossiers of those procedures received", "dossiers received of online-enabled procedures",
            "Provincial digital-government reports; no legal definition was found (unverified)", "b_received_online_enabled / nullIf(b_received_enabled, 0)"),
        Rate("postal_return_share", "Tỷ lệ trả kết quả qua bưu chính", "results returned by post / results returned in the period", "results returned",
            "Quyết định 45/2016/QĐ-TTg ngày 19/10/2016 (hồ sơ, kết quả qua dịch vụ bưu chính công ích)", "b_returned_postal / nullIf(b_returned, 0)", Better.Neutral),
        Rate("online_payment_share", "Tỷ lệ hồ sơ thanh toán trực tuyến", "dossiers received in the period with a fee and paid online / dossiers received with a fee",
            "dossiers received with a fee", "Quyết định 766/QĐ-TTg ngày 23/6/2022, chỉ số 3.6, as the national portal computes it", "b_paid_online / nullIf(b_with_fee, 0)"),
        Rate("satisfaction_index", "Tỷ lệ hài lòng", "(very_satisfied + satisfied) / ratings given in the period", "ratings given in the period",
            "The applicants' ratings on the one-stop systems (a public portal labels them \"Tỷ lệ đánh giá mức độ hài lòng\"); not the SIPAS survey index of Bộ Nội vụ (\"Chỉ số hài lòng\") nor 766 indicator 5.4. The satisfaction targets of Nghị quyết 76/NQ-CP ngày 15/7/2021 and Nghị quyết 131/NQ-CP ngày 06/10/2022 were not verified and concern the survey index",
            "(b_rated_very_satisfied + b_rated_satisfied) / nullIf(b_rated_very_satisfied + b_rated_satisfied + b_rated_dissatisfied, 0)"),
        Rate("apology_rate", "Tỷ lệ hồ sơ quá hạn có thư xin lỗi", "apologized_overdue / (resolved_overdue + in_progress_overdue)",
            "resolved_overdue + in_progress_overdue", "The duty to apologise for a late result: Nghị định 61/2018/NĐ-CP, Điều 19 khoản 9, until 30/06/2025; from 01/07/2025 the one-stop mechanism is governed by Nghị định 118/2025/NĐ-CP ngày 09/6/2025 (its apology article was not verified)",
            "apologized_overdue / nullIf(resolved_overdue + in_progress_overdue, 0)"),
        new("processing_days_median", "Số ngày làm việc giải quyết (trung vị)", MetricUnit.WorkingDays, Better.Lower,
            "working days from receipt to resolution, less the days waiting for the applicant, of dossiers resolved in the period: the smallest value at or below which half of them lie",
            "dossiers resolved in the period", Analytic, "if(b_processing_n = 0, NULL, arrayFirst((x, c) -> c >= b_processing_n * 0.5, b_processing_sorted, arrayCumSum(arrayMap(x -> x.2, b_processing_sorted))).1)"),
        new("processing_days_p90", "Số ngày làm việc giải quyết (phân vị 90)", MetricUnit.WorkingDays, Better.Lower,
            "the same working days: the smallest value at or below which 90% of the dossiers resolved in the period lie",
            "dossiers resolved in the period", Analytic, "if(b_processing_n = 0, NULL, arrayFirst((x, c) -> c >= b_processing_n * 0.9, b_processing_sorted, arrayCumSum(arrayMap(x -> x.2, b_processing_sorted))).1)"),
        new("processing_days_mean", "Số ngày làm việc giải quyết (trung bình)", MetricUnit.WorkingDays, Better.Lower,
            "the same working days: their mean over the dossiers resolved in the period", "dossiers resolved in the period", Analytic,
            "if(b_processing_n = 0, NULL, arraySum(arrayMap(x -> x.1 * x.2, b_processing_sorted)) / b_processing_n)"),

        Feedback("feedback_received", "Số phản ánh, kiến nghị tiếp nhận", MetricUnit.Count, "feedback items received in the period", null, "b_feedback_received"),
        Feedback("feedback_resolved", "Số phản ánh, kiến nghị đã xử lý", MetricUnit.Count, "of those, resolved by the end of the period", null, "b_feedback_resolved"),
        Feedback("feedback_resolution_rate", "Tỷ lệ xử lý phản ánh, kiến nghị", MetricUnit.Rate, "feedback_resolved / feedback_received", "feedback items received in the period",
            "b_feedback_resolved / nullIf(b_feedback_received, 0)"),
        Feedback("feedback_on_time_rate", "Tỷ lệ phản ánh, kiến nghị xử lý đúng hạn", MetricUnit.Rate,
            "(resolved within 15 working days + pending and not yet 15 working days old at the end) / feedback received in the period",
            "feedback items received in the period", "b_feedback_on_time / nullIf(b_feedback_received, 0)", "Quyết định 766/QĐ-TTg ngày 23/6/2022, chỉ số 5.2, as the national portal computes it"),

        Task("tasks_total", "Tổng số nhiệm vụ", "tasks of the plan years of the period", "b_tasks_total", Better.Neutral),
        Task("tasks_done_on_time", "Hoàn thành đúng hạn", "done by the end of the period, on or before the due date", "b_tasks_done_on_time", Better.Higher),
        Task("tasks_done_late", "Hoàn thành quá hạn", "done by the end of the period, after the due date", "b_tasks_done_late", Better.Lower),
        Task("tasks_done_awaiting_confirmation", "Đã hoàn thành, chờ xác nhận", "reported done by the end of the period, awaiting confirmation", "b_tasks_done_awaiting_confirmation", Better.Neutral),
        Task("tasks_in_progress_on_time", "Đang thực hiện trong hạn", "not done at the end of the period, due date not passed", "b_tasks_in_progress_on_time", Better.Neutral),
        Task("tasks_in_progress_overdue", "Đang thực hiện quá hạn", "not done at the end of the period, due date passed", "b_tasks_in_progress_overdue", Better.Lower),
    ]);

    private static readonly Dictionary<string, MetricDefinition> ByKey = All.ToDictionary(m => m.Key, StringComparer.Ordinal);

    public static MetricDefinition Get(string key) =>
        ByKey.TryGetValue(key, out var metric) ? metric : throw new KeyNotFoundException($"Không có chỉ số \"{key}\" trong danh mục.");

    public static bool TryGet(string key, out MetricDefinition metric) => ByKey.TryGetValue(key, out metric!);

    private static MetricDefinition Count(string key, string label, string definition, string sql, Better better = Better.Neutral, string source = FormOfficial) =>
        new(key, label, MetricUnit.Count, better, definition, null, source, sql);

    private static MetricDefinition Rate(string key, string label, string definition, string denominator, string source, string sql, Better better = Better.Higher) =>
        new(key, label, MetricUnit.Rate, better, definition, denominator, source, sql);

    private static MetricDefinition Feedback(string key, string label, MetricUnit unit, string definition, string? denominator, string sql, string source = "Nghị định 20/2008/NĐ-CP (tiếp nhận, xử lý phản ánh, kiến nghị về quy định hành chính)") =>
        new(key, label, unit, unit == MetricUnit.Rate ? Better.Higher : Better.Neutral, definition, denominator, source, sql, MetricFamily.Feedback);

    private static MetricDefinition Task(string key, string label, string definition, string sql, Better better) =>
        new(key, label, MetricUnit.Count, better, definition, null, "The province's annual administrative-reform plan (kế hoạch cải cách hành chính hằng năm); no national form", sql, MetricFamily.Tasks);
}
