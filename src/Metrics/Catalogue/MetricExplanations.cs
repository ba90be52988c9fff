namespace ReformMetrics.Metrics.Catalogue;

/// <summary>
/// What each metric counts, in Vietnamese for the people who read the reports and the dashboard (the definitions of
/// <see cref="MetricDefinition"/> are the engineers' English). One sentence per key of the catalogue; a test checks that
/// none is missing.
/// </summary>
public static class MetricExplanations
{
    private static readonly Dictionary<string, string> ByKey = new(StringComparer.Ordinal)
    {
        ["carried_over"] = "Hồ sơ tiếp nhận trước kỳ, đến đầu kỳ chưa giải quyết xong và chưa rút.",
        ["received_new"] = "Hồ sơ tiếp nhận trong kỳ, qua mọi kênh.",
        ["received_online"] = "Hồ sơ tiếp nhận trong kỳ qua dịch vụ công trực tuyến.",
        ["received_direct"] = "Hồ sơ tiếp nhận trong kỳ trực tiếp tại Bộ phận Một cửa.",
        ["received_postal"] = "Hồ sơ tiếp nhận trong kỳ qua dịch vụ bưu chính công ích.",
        ["received_total"] = "Số từ kỳ trước chuyển qua cộng số mới tiếp nhận trong kỳ.",
        ["resolved_total"] = "Hồ sơ có kết quả giải quyết trong kỳ, dù tiếp nhận từ kỳ nào; không gồm hồ sơ xin rút.",
        ["resolved_early"] = "Hồ sơ giải quyết xong trước ngày hẹn trả kết quả.",
        ["resolved_on_time"] = "Hồ sơ giải quyết xong trong ngày hẹn, không muộn hơn thời điểm hẹn.",
        ["resolved_overdue"] = "Hồ sơ giải quyết xong sau thời điểm hẹn trả kết quả.",
        ["withdrawn"] = "Hồ sơ được tổ chức, cá nhân xin rút trong kỳ.",
        ["in_progress"] = "Hồ sơ đã tiếp nhận, đến cuối kỳ chưa giải quyết xong và chưa rút.",
        ["in_progress_within_deadline"] = "Hồ sơ đang giải quyết chưa đến hạn, hoặc đang chờ tổ chức, cá nhân bổ sung.",
        ["in_progress_overdue"] = "Hồ sơ đang giải quyết đã quá hạn và không ở trạng thái chờ bổ sung.",
        ["apologized_overdue"] = "Hồ sơ quá hạn (đã giải quyết trong kỳ hoặc đang giải quyết cuối kỳ) có văn bản xin lỗi tổ chức, cá nhân.",
        ["on_time_rate"] = "Số hồ sơ giải quyết trước hạn và đúng hạn chia cho số hồ sơ đã giải quyết.",
        ["on_time_rate_of_received"] = "Số hồ sơ giải quyết trước hạn và đúng hạn chia cho tổng số hồ sơ nhận giải quyết.",
        ["early_rate"] = "Số hồ sơ giải quyết trước hạn chia cho số hồ sơ đã giải quyết.",
        ["overdue_rate"] = "Số hồ sơ giải quyết quá hạn chia cho số hồ sơ đã giải quyết.",
        ["overdue_rate_of_received"] = "Số hồ sơ giải quyết quá hạn chia cho tổng số hồ sơ nhận giải quyết.",
        ["late_rate_766"] = "Hồ sơ trễ hạn theo cách chấm 766 (hồ sơ yêu cầu bổ sung quá một lần cũng tính là trễ) cộng hồ sơ đang quá hạn, chia cho tổng số hồ sơ nhận giải quyết.",
        ["on_time_rate_766"] = "Một trừ tỷ lệ hồ sơ trễ hạn theo cách tính 766: hồ sơ đúng hạn hoặc còn trong hạn trên tổng số hồ sơ nhận giải quyết.",
        ["resolution_rate"] = "Số hồ sơ đã giải quyết chia cho tổng số hồ sơ nhận giải quyết.",
        ["online_share"] = "Số hồ sơ tiếp nhận trực tuyến chia cho số hồ sơ mới tiếp nhận trong kỳ.",
        ["postal_share"] = "Số hồ sơ tiếp nhận qua bưu chính chia cho số hồ sơ mới tiếp nhận trong kỳ.",
        ["direct_share"] = "Số hồ sơ tiếp nhận trực tiếp chia cho số hồ sơ mới tiếp nhận trong kỳ.",
        ["online_share_enabled"] = "Trong các hồ sơ của thủ tục có dịch vụ công trực tuyến toàn trình, tỷ lệ hồ sơ nộp trực tuyến.",
        ["postal_return_share"] = "Số kết quả trả qua bưu chính chia cho số kết quả đã trả trong kỳ.",
        ["online_payment_share"] = "Trong các hồ sơ tiếp nhận trong kỳ có phí, lệ phí, tỷ lệ hồ sơ thanh toán trực tuyến.",
        ["satisfaction_index"] = "Số lượt đánh giá hài lòng và rất hài lòng chia cho số lượt đánh giá trong kỳ.",
        ["apology_rate"] = "Số hồ sơ quá hạn có văn bản xin lỗi chia cho số hồ sơ quá hạn (đã giải quyết quá hạn và đang quá hạn).",
        ["processing_days_median"] = "Trung vị số ngày làm việc từ khi tiếp nhận đến khi giải quyết xong, không tính thời gian chờ bổ sung, của hồ sơ giải quyết trong kỳ.",
        ["processing_days_p90"] = "Số ngày làm việc mà 90% hồ sơ giải quyết trong kỳ không vượt quá, không tính thời gian chờ bổ sung.",
        ["processing_days_mean"] = "Số ngày làm việc trung bình từ khi tiếp nhận đến khi giải quyết xong, không tính thời gian chờ bổ sung, của hồ sơ giải quyết trong kỳ.",
        ["feedback_received"] = "Phản ánh, kiến nghị tiếp nhận trong kỳ.",
        ["feedback_resolved"] = "Phản ánh, kiến nghị tiếp nhận trong kỳ đã xử lý xong đến cuối kỳ.",
        ["feedback_resolution_rate"] = "Số phản ánh, kiến nghị đã xử lý chia cho số tiếp nhận trong kỳ.",
        ["feedback_on_time_rate"] = "Phản ánh, kiến nghị xử lý trong 15 ngày làm việc, hoặc chưa xử lý nhưng chưa quá 15 ngày làm việc, chia cho số tiếp nhận trong kỳ.",
        ["tasks_total"] = "Nhiệm vụ cải cách hành chính trong kế hoạch của các năm thuộc kỳ.",
        ["tasks_done_on_time"] = "Nhiệm vụ hoàn thành đến cuối kỳ, không muộn hơn thời hạn.",
        ["tasks_done_late"] = "Nhiệm vụ hoàn thành đến cuối kỳ, sau thời hạn.",
        ["tasks_done_awaiting_confirmation"] = "Nhiệm vụ đã báo cáo hoàn thành đến cuối kỳ, đang chờ xác nhận.",
        ["tasks_in_progress_on_time"] = "Nhiệm vụ chưa hoàn thành đến cuối kỳ, chưa đến thời hạn.",
        ["tasks_in_progress_overdue"] = "Nhiệm vụ chưa hoàn thành đến cuối kỳ, đã quá thời hạn.",
    };

    /// <summary>The Vietnamese explanation of a metric key, or null when there is none (a test keeps that from happening).</summary>
    public static string? For(string key) => ByKey.GetValueOrDefault(key);
}
