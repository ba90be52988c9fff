using System.Globalization;
using System.Text;
using ReformMetrics.Store.Calendar;
using P = ReformMetrics.Synthetic.Parameters.GeneratorParameters;

namespace ReformMetrics.Synthetic.Output;

/// <summary>The other inputs of the design (feedback items, the reform task register, targets) and the agency list,
/// each as its own CSV next to the event files. Feedback items follow the dossiers (one per
/// <see cref="P.DossiersPerFeedback"/>), tasks and targets follow the provinces in force each year.</summary>
internal sealed class SideFiles(GeneratorOptions options, Geography geography, WorkingCalendar calendar)
{
    private static readonly UTF8Encoding Utf8 = new(false);
    private readonly StringBuilder _feedback = new("feedback_id,province_code,sector_code,received_at,resolved_at\n");
    private long _feedbackCount;

    public void Observe(SyntheticDossier d, ulong seed, DateTime runEnd)
    {
        var rng = new Rng(seed ^ 0xFEED_BAC4);
        if (!rng.Chance(1.0 / P.DossiersPerFeedback))
        {
            return;
        }

        var received = d.Events[0].At.AddHours(2 + rng.Next(24 * 10));
        if (received >= runEnd)
        {
            return;
        }

        var province = d.FileProvince(received);
        var resolved = rng.Chance(P.FeedbackResolvedShare) ? calendar.AddWorkingDays(received, 1 + rng.Next(20)) : (DateTime?)null;
        _feedback.Append(CultureInfo.InvariantCulture, $"PA-{d.Id},{province},{d.Procedure.SectorCode},{EventRows.Time(received)},")
            .Append(resolved is { } r && r < runEnd ? EventRows.Time(r) : string.Empty).Append('\n');
        _feedbackCount++;
    }

    public (long Agencies, long Feedback, long Tasks, long Targets) Write()
    {
        var agencies = new StringBuilder("code,name_vi,province_code,level,valid_from,valid_to\n");
        var agencyCount = 0L;
        foreach (var a in geography.Agencies())
        {
            agencies.Append(CultureInfo.InvariantCulture, $"{a.Code},{EventFileWriter.CsvField(a.Name)},{a.ProvinceCode},{a.Level},{a.ValidFrom},{a.ValidTo}\n");
            agencyCount++;
        }

        var (tasks, taskCount) = Tasks();
        var (targets, targetCount) = Targets();
        Save("agencies.csv", agencies);
        Save("feedback.csv", _feedback);
        Save("tasks.csv", tasks);
        Save("targets.csv", targets);
        return (agencyCount, _feedbackCount, taskCount, targetCount);
    }

    private (StringBuilder Csv, long Count) Tasks()
    {
        var csv = new StringBuilder("task_id,geo,province_code,year,title,due_date,completed_at,status\n");
        var count = 0L;
        var asOf = options.To;
        foreach (var (year, geo, provinces) in Years())
        {
            foreach (var p in provinces)
            {
                var rng = new Rng(Rng.Mix(options.Seed ^ 0x7A5C, (ulong)(year * 1000 + geo) * 100 + ulong.Parse(p.Code, CultureInfo.InvariantCulture)));
                for (var n = 1; n <= P.TasksPerProvinceYear; n++)
                {
                    var due = new DateOnly(year, 1 + rng.Next(12), 1).AddDays(rng.Next(28));
                    var lateness = (int)((rng.NextDouble() - 0.8) * 60 * p.LateFactor);
                    var done = due.AddDays(lateness);
                    var finished = done <= asOf && rng.Chance(0.95);
                    var status = !finished ? "in_progress" : rng.Chance(0.1) ? "awaiting_confirmation" : "done";
                    csv.Append(CultureInfo.InvariantCulture,
                        $"NV-{geo}-{p.Code}-{year}-{n:D3},{geo},{p.Code},{year},{EventFileWriter.CsvField(TaskTitle(rng.Next(TaskTitles.Length), n))},{due:yyyy-MM-dd},{(finished ? done.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : string.Empty)},{status}\n");
                    count++;
                }
            }
        }

        return (csv, count);
    }

    private (StringBuilder Csv, long Count) Targets()
    {
        var csv = new StringBuilder("geo,province_code,year,indicator,sector_group,target\n");
        var count = 0L;
        foreach (var year in Enumerable.Range(options.From.Year, options.To.Year - options.From.Year + 1))
        {
            // Demo national targets for the share of satisfied ratings, the same for every province (a ministry loads its
            // own: none is built into the product).
            csv.Append(CultureInfo.InvariantCulture, $"0,,{year},satisfaction_index,,0.90\n");
            csv.Append(CultureInfo.InvariantCulture, $"0,,{year},satisfaction_index,land,0.85\n");
            csv.Append(CultureInfo.InvariantCulture, $"0,,{year},satisfaction_index,construction,0.85\n");
            csv.Append(CultureInfo.InvariantCulture, $"0,,{year},satisfaction_index,investment,0.85\n");
            count += 4;
        }

        foreach (var (year, geo, provinces) in Years())
        {
            foreach (var p in provinces)
            {
                var rng = new Rng(Rng.Mix(options.Seed ^ 0x7A26E7, (ulong)(year * 1000 + geo) * 100 + ulong.Parse(p.Code, CultureInfo.InvariantCulture)));
                var onTime = Math.Round(0.95 + rng.Next(4) * 0.01, 2);
                var online = Math.Round(Math.Min(0.8, 0.3 + (year - 2024) * 0.15 + rng.Next(3) * 0.05), 2);
                csv.Append(CultureInfo.InvariantCulture, $"{geo},{p.Code},{year},on_time_rate,,{onTime:0.00}\n");
                csv.Append(CultureInfo.InvariantCulture, $"{geo},{p.Code},{year},online_share,,{online:0.00}\n");
                count += 2;
            }
        }

        return (csv, count);
    }

    /// <summary>Each year of the run with the geographies that set plans in it: 2025 has both (plans made by the 63,
    /// carried on by the 34).</summary>
    private IEnumerable<(int Year, int Geo, IReadOnlyList<SyntheticProvince> Provinces)> Years()
    {
        for (var year = options.From.Year; year <= options.To.Year; year++)
        {
            if (year <= 2025)
            {
                yield return (year, 2008, geography.Provinces2008);
            }

            if (year >= 2025)
            {
                yield return (year, 2025, geography.Provinces2025);
            }
        }
    }

    private static readonly string[] TaskTitles =
    [
        "Rà soát, đơn giản hóa thủ tục hành chính", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
        "Cung cấp dịch vụ công trực tuyến toàn trình", "Kiểm tra công tác cải cách hành chính tại các cơ quan",
        "Tuyên truyền cải cách hành chính", "Khảo sát sự hài lòng của người dân, doanh nghiệp",
    ];

    private static string TaskTitle(int kind, int n) => $"{TaskTitles[kind]} (nhiệm vụ {n})";

    private void Save(string name, StringBuilder content) =>
        File.WriteAllText(Path.Combine(options.OutputDirectory, name), content.ToString(), Utf8);
}
