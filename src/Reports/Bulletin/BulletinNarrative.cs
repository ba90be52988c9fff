using System.Globalization;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;

namespace ReformMetrics.Reports.Bulletin;

/// <summary>
/// The written summary of the bulletin, in the style of a provincial report ("Trong 9 tháng năm 2024, toàn tỉnh tiếp
/// nhận 270.497 hồ sơ, ... đạt tỷ lệ 94,12% ..."). Every sentence is chosen from the figures: a rise or a fall, a target
/// met or missed, nothing to compare with, nothing resolved.
/// </summary>
public static class BulletinNarrative
{
    // Cities under the central government: their reports say "toàn thành phố". Huế became one on 1 January 2025.
    private static readonly string[] CentralCities = ["01", "31", "48", "79", "92"];

    public static IReadOnlyList<string> Paragraphs(BulletinReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new[] { Received(report), Resolved(report), InProgress(report), Online(report), Satisfaction(report), Rank(report), Worst(report) }
            .Where(p => p.Length > 0).ToList();
    }

    /// <summary>"toàn tỉnh", "toàn thành phố" or "toàn quốc".</summary>
    public static string Scope(BulletinReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Province is null ? "toàn quốc" : "toàn " + UnitNoun(report);
    }

    /// <summary>The unit's title on the cover: "TỈNH TÂY NINH", "THÀNH PHỐ HÀ NỘI", "TOÀN QUỐC".</summary>
    public static string UnitTitle(BulletinReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Province is null ? "TOÀN QUỐC" : $"{UnitNoun(report)} {report.UnitName}".ToUpper(MetricFormat.Vietnamese);
    }

    /// <summary>"Trong tháng 4/2025", "Trong quý III/2025", "Từ ngày 01/03/2025 đến ngày 20/03/2025".</summary>
    public static string When(Period period)
    {
        ArgumentNullException.ThrowIfNull(period);
        return period.Nominal.Kind is PeriodKind.Range or PeriodKind.YearToDate
            ? $"Từ ngày {period.Start:dd/MM/yyyy} đến ngày {period.End:dd/MM/yyyy}"
            : "Trong " + LowerFirst(period.Label);
    }

    /// <summary>What the previous period is called after "so với": "tháng 3/2025", or "kỳ trước" for a range of days.</summary>
    public static string PreviousName(Period period)
    {
        ArgumentNullException.ThrowIfNull(period);
        return period.Nominal.Kind is PeriodKind.Range or PeriodKind.YearToDate ? "kỳ trước" : LowerFirst(period.Previous().Label);
    }

    private static string Received(BulletinReport r)
    {
        var total = Count(r, MetricCatalogue.ReceivedTotal);
        if (total == 0)
        {
            return $"{When(r.Period)}, {Scope(r)} không tiếp nhận hồ sơ thủ tục hành chính nào.";
        }

        var text = $"{When(r.Period)}, {Scope(r)} tiếp nhận {N(total)} hồ sơ thủ tục hành chính, trong đó {N(Count(r, MetricCatalogue.CarriedOver))} hồ sơ từ kỳ trước "
            + $"chuyển sang và {N(Count(r, MetricCatalogue.ReceivedNew))} hồ sơ mới tiếp nhận ({N(Count(r, MetricCatalogue.ReceivedOnline))} hồ sơ trực tuyến, "
            + $"{N(Count(r, MetricCatalogue.ReceivedDirect))} hồ sơ trực tiếp, {N(Count(r, MetricCatalogue.ReceivedPostal))} hồ sơ qua dịch vụ bưu chính).";
        var previous = r.Previous(MetricCatalogue.ReceivedNew);
        if (previous is > 0)
        {
            var change = (Count(r, MetricCatalogue.ReceivedNew) - previous.Value) / previous.Value;
            text += Math.Abs(change) < 0.0005
                ? $" Số hồ sơ mới tiếp nhận tương đương {PreviousName(r.Period)}."
                : $" Số hồ sơ mới tiếp nhận {(change > 0 ? "tăng" : "giảm")} {Fixed(Math.Abs(change) * 100, 1)}% so với {PreviousName(r.Period)} ({N(previous.Value)} hồ sơ).";
        }

        return text;
    }

    private static string Resolved(BulletinReport r)
    {
        var resolved = Count(r, MetricCatalogue.ResolvedTotal);
        if (resolved == 0)
        {
            return "Trong kỳ chưa có hồ sơ nào được giải quyết, nên chưa tính được tỷ lệ giải quyết đúng hạn.";
        }

        var overdue = Count(r, MetricCatalogue.ResolvedOverdue);
        var text = $"Đã giải quyết {N(resolved)} hồ sơ ({N(Count(r, MetricCatalogue.ResolvedEarly))} trước hạn, {N(Count(r, MetricCatalogue.ResolvedOnTime))} đúng hạn, {N(overdue)} quá hạn); "
            + $"tỷ lệ đúng hạn (gồm trước hạn và đúng hạn) trên số hồ sơ đã giải quyết đạt {Rate(r, MetricCatalogue.OnTimeRate)}{Compared(r, MetricCatalogue.OnTimeRate)}{Target(r, MetricCatalogue.OnTimeRate)}"
            + (r[MetricCatalogue.OnTimeRateOfReceived] is { } ofReceived
                ? $", trên tổng số hồ sơ nhận giải quyết (gồm cả hồ sơ đang giải quyết) là {MetricFormat.Percent(ofReceived)}."
                : ".");
        var withdrawn = Count(r, MetricCatalogue.Withdrawn);
        if (withdrawn > 0)
        {
            text += $" Ngoài ra có {N(withdrawn)} hồ sơ được tổ chức, cá nhân xin rút (biểu số 06 tính cả các hồ sơ này ở cột (7): {N(resolved + withdrawn)} hồ sơ).";
        }

        text += overdue == 0
            ? " Không có hồ sơ nào giải quyết quá hạn."
            : r[MetricCatalogue.ApologyRate] is { } apology
                ? $" Tỷ lệ hồ sơ quá hạn có văn bản xin lỗi tổ chức, cá nhân là {MetricFormat.Percent(apology)}{(apology < 1 ? ", cần thực hiện đầy đủ việc xin lỗi khi để hồ sơ quá hạn" : string.Empty)}."
                : string.Empty;
        return text;
    }

    private static string InProgress(BulletinReport r)
    {
        var end = $"Đến hết ngày {r.Period.End:dd/MM/yyyy}";
        var pending = Count(r, MetricCatalogue.InProgress);
        if (pending == 0)
        {
            return $"{end}, không còn hồ sơ nào đang giải quyết.";
        }

        var overdue = Count(r, MetricCatalogue.InProgressOverdue);
        return overdue == 0
            ? $"{end}, còn {N(pending)} hồ sơ đang giải quyết, tất cả đều trong hạn."
            : $"{end}, còn {N(pending)} hồ sơ đang giải quyết, trong đó {N(Count(r, MetricCatalogue.InProgressWithinDeadline))} hồ sơ trong hạn và {N(overdue)} hồ sơ đã quá hạn cần được đôn đốc xử lý dứt điểm.";
    }

    private static string Online(BulletinReport r)
    {
        if (r[MetricCatalogue.OnlineShare] is null)
        {
            return string.Empty;
        }

        var text = $"Tỷ lệ hồ sơ tiếp nhận trực tuyến đạt {Rate(r, MetricCatalogue.OnlineShare)}{Compared(r, MetricCatalogue.OnlineShare)}{Target(r, MetricCatalogue.OnlineShare)}.";
        if (r[MetricCatalogue.OnlinePaymentShare] is { } paid && r[MetricCatalogue.PostalShare] is { } postal)
        {
            text += $" Tỷ lệ hồ sơ thanh toán trực tuyến là {MetricFormat.Percent(paid)}; tỷ lệ hồ sơ nộp qua dịch vụ bưu chính là {MetricFormat.Percent(postal)}.";
        }

        return text;
    }

    private static string Satisfaction(BulletinReport r) => r[MetricCatalogue.SatisfactionIndex] is null
        ? "Trong kỳ chưa có đánh giá mức độ hài lòng của tổ chức, cá nhân."
        : $"Tỷ lệ đánh giá hài lòng của tổ chức, cá nhân (trên số lượt đánh giá) đạt {Rate(r, MetricCatalogue.SatisfactionIndex)}{Compared(r, MetricCatalogue.SatisfactionIndex)}{Target(r, MetricCatalogue.SatisfactionIndex)}.";

    private static string Rank(BulletinReport r)
    {
        var ranked = r.Ranking.Units.Where(u => u.Rank is not null).ToList();
        if (ranked.Count == 0)
        {
            return string.Empty;
        }

        if (r.Province is null)
        {
            static string List(IEnumerable<Metrics.Rankings.RankedUnit> units) =>
                string.Join(", ", units.Select(u => $"{u.Name ?? u.Code} ({MetricFormat.Percent(u.Value!.Value)})"));
            var n = Math.Min(3, ranked.Count / 2);
            return n == 0 ? string.Empty
                : $"Về tỷ lệ giải quyết đúng hạn, các địa phương dẫn đầu là {List(ranked.Take(n))}; các địa phương có tỷ lệ thấp nhất là {List(ranked.TakeLast(n).Reverse())}.";
        }

        if (r.Rank is not { Rank: { } rank } unit)
        {
            return $"Chưa xếp hạng được {UnitNoun(r)} về tỷ lệ giải quyết đúng hạn vì trong kỳ không có hồ sơ được giải quyết.";
        }

        var text = $"Về tỷ lệ giải quyết đúng hạn, {UnitNoun(r)} xếp thứ {rank}/{ranked.Count} tỉnh, thành phố";
        text += unit.Movement switch
        {
            null => ".",
            0 => $", giữ nguyên thứ hạng so với {PreviousName(r.Period)}.",
            > 0 and var up => $", tăng {up} bậc so với {PreviousName(r.Period)} (thứ {unit.PreviousRank}).",
            var down => $", giảm {-down} bậc so với {PreviousName(r.Period)} (thứ {unit.PreviousRank}).",
        };
        return text;
    }

    private static string Worst(BulletinReport r) => r.WorstSectors.Count == 0
        ? Count(r, MetricCatalogue.ResolvedTotal) > 0 ? "Không có lĩnh vực nào có hồ sơ giải quyết quá hạn trong kỳ." : string.Empty
        : "Các lĩnh vực có tỷ lệ giải quyết quá hạn cao nhất: "
            + string.Join("; ", r.WorstSectors.Take(3).Select(s => $"{s.Name} ({MetricFormat.Percent(s.OverdueRate)}, {N(s.Overdue)}/{N(s.Resolved)} hồ sơ)")) + ".";

    /// <summary>", tăng 1,25 điểm phần trăm so với tháng 3/2025 (93,00%)", or nothing when there is nothing to compare with.</summary>
    private static string Compared(BulletinReport r, MetricDefinition key)
    {
        if (r[key] is not { } now || r.Previous(key) is not { } before)
        {
            return string.Empty;
        }

        var points = (now - before) * 100;
        return Math.Abs(points) < 0.005
            ? $", không thay đổi so với {PreviousName(r.Period)}"
            : $", {(points > 0 ? "tăng" : "giảm")} {Fixed(Math.Abs(points), 2)} điểm phần trăm so với {PreviousName(r.Period)} ({MetricFormat.Percent(before)})";
    }

    /// <summary>", đạt chỉ tiêu 95,00%" or ", chưa đạt chỉ tiêu 95,00%".</summary>
    private static string Target(BulletinReport r, MetricDefinition key) => r.Targets.GetValueOrDefault(key) is { Met: { } met } check
        ? $", {(met ? "đạt" : "chưa đạt")} chỉ tiêu {MetricFormat.Percent(check.Target)}"
        : string.Empty;

    private static string UnitNoun(BulletinReport r) =>
        r.Province is { } code && (CentralCities.Contains(code) || (code == "46" && r.Period.End.Year >= 2025)) ? "thành phố" : "tỉnh";

    private static double Count(BulletinReport r, MetricDefinition key) => r[key] ?? 0;

    private static string Rate(BulletinReport r, MetricDefinition key) => r[key] is { } v ? MetricFormat.Percent(v) : "—";

    private static string N(double value) => MetricFormat.Count(value);

    private static string Fixed(double value, int decimals) => value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), MetricFormat.Vietnamese);

    private static string LowerFirst(string text) => text.Length == 0 ? text : char.ToLower(text[0], MetricFormat.Vietnamese) + text[1..];
}
