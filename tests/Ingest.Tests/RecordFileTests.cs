using Dapper;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Ingest.Tests;

/// <summary>The other inputs (agencies, feedback, tasks, targets): recognised by their header, every row checked with
/// a message naming the row and field, loaded once, and a corrected row in a later file replacing the earlier one.</summary>
public sealed class RecordFileTests(TestDatabase database) : IClassFixture<TestDatabase>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("reform-records-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string, string, int, string, string> BadRows => new()
    {
        // file content, bad line, field, reason fragment
        { "feedback_id,province_code,sector_code,received_at,resolved_at\nF1,01,HOTICH,2025-03-03T09:00:00+07:00,2025-03-01T09:00:00+07:00\n", "feedback", 2, "resolved_at", "trước thời điểm nhận" },
        { "feedback_id,province_code,sector_code,received_at,resolved_at\nF2,02,HOTICH,2025-08-03T09:00:00+07:00,\n", "feedback", 2, "province_code", "\"02\"" },
        { "feedback_id,province_code,sector_code,received_at,resolved_at\nF3,01,HOTICH,hôm qua,\n", "feedback", 2, "received_at", "ISO 8601" },
        { "task_id,geo,province_code,year,title,due_date,completed_at,status\nT1,2025,01,2025,Rà soát,2025-06-30,,done\n", "tasks", 2, "completed_at", "bắt buộc khi nhiệm vụ đã hoàn thành" },
        { "task_id,geo,province_code,year,title,due_date,completed_at,status\nT2,2025,02,2025,Rà soát,2025-06-30,,in_progress\n", "tasks", 2, "province_code", "địa giới 2025" },
        { "task_id,geo,province_code,year,title,due_date,completed_at,status\nT3,2025,01,2040,Rà soát,2025-06-30,,in_progress\n", "tasks", 2, "year", "2015 đến 2030" },
        { "geo,province_code,year,indicator,sector_group,target\n2025,01,2025,on_time_rate,,95%\n", "targets", 2, "target", "0.95" },
        { "geo,province_code,year,indicator,sector_group,target\n0,01,2025,on_time_rate,,0.95\n", "targets", 2, "province_code", "toàn quốc" },
        { "geo,province_code,year,indicator,sector_group,target\n2025,01,2025,speed,,0.95\n", "targets", 2, "indicator", "\"speed\"" },
        { "code,name_vi,province_code,level,valid_from,valid_to\n2025.01.H01,Huyện,01,district,2025-07-01,2099-12-31\n", "agencies", 2, "level", "cấp huyện" },
        { "code,name_vi,province_code,level,valid_from,valid_to\nA1,Sở,01,province,2025-07-01,2025-01-01\n", "agencies", 2, "valid_to", "trước valid_from" },
    };

    [Theory]
    [MemberData(nameof(BadRows))]
    public async Task A_bad_row_is_quarantined_with_its_line_and_field_and_written_to_the_rejects_file(string content, string kind, int line, string field, string reason)
    {
        var path = Write($"{kind}-{Guid.NewGuid():N}.csv", content);

        var result = await Ingestors.Inputs(database.Store).IngestFileAsync(path, null, TestContext.Current.CancellationToken);

        Assert.Equal((1L, 0L, 1L), (result.Rows, result.Accepted, result.Rejected));
        var rejection = Assert.Single(await Ingestors.Ledger(database.Store).RejectionsAsync(result.FileKey, 10, TestContext.Current.CancellationToken));
        Assert.Equal((line, field), (rejection.Line, rejection.Field));
        Assert.Contains(reason, rejection.Reason, StringComparison.Ordinal);
        Assert.Contains(field, await File.ReadAllTextAsync(result.RejectsFile!, TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Good_rows_load_a_repeated_key_is_refused_a_file_loads_once_and_a_later_correction_replaces_the_row()
    {
        var first = Write("targets-a.csv",
            "geo,province_code,year,indicator,sector_group,target\n2025,01,2025,on_time_rate,,0.95\n2025,79,2025,on_time_rate,,0.96\n2025,01,2025,on_time_rate,,0.97\n0,,2025,satisfaction_index,land,0.85\n");
        var correction = Write("targets-b.csv", "geo,province_code,year,indicator,sector_group,target\n2025,01,2025,on_time_rate,,0.98\n");
        var ingestor = Ingestors.Inputs(database.Store);

        var a = await ingestor.IngestFileAsync(first, null, TestContext.Current.CancellationToken);
        var again = await ingestor.IngestFileAsync(first, null, TestContext.Current.CancellationToken);
        var b = await ingestor.IngestFileAsync(correction, null, TestContext.Current.CancellationToken);

        Assert.Equal((4L, 3L, 1L), (a.Rows, a.Accepted, a.Rejected));
        var repeated = Assert.Single(await Ingestors.Ledger(database.Store).RejectionsAsync(a.FileKey, 10, TestContext.Current.CancellationToken));
        Assert.Equal(4, repeated.Line);
        Assert.Contains("dòng 2", repeated.Reason, StringComparison.Ordinal);
        Assert.True(again.AlreadyLoaded);
        Assert.Equal(1L, b.Accepted);
        await using var connection = database.Store.CreateConnection();
        var targets = (await connection.QueryAsync<(string Province, double Target)>(
            "SELECT province_code, target FROM v_targets WHERE indicator = 'on_time_rate' ORDER BY province_code")).ToList();
        Assert.Equal([("01", 0.98), ("79", 0.96)], targets);
    }

    [Fact]
    public async Task A_text_that_looks_like_a_geography_stays_text()
    {
        var path = Write("tasks-titles.csv", "task_id,geo,province_code,year,title,due_date,completed_at,status\nT2025,2025,01,2025,2025,2025-06-30,,in_progress\n");

        var result = await Ingestors.Inputs(database.Store).IngestFileAsync(path, null, TestContext.Current.CancellationToken);

        Assert.Equal((1L, 0L), (result.Accepted, result.Rejected));
        await using var connection = database.Store.CreateConnection();
        Assert.Equal(("2025", (ushort)2025), await connection.QuerySingleAsync<(string, ushort)>("SELECT title, geo FROM v_tasks WHERE task_id = 'T2025'"));
    }

    [Fact]
    public void The_kind_of_a_file_is_read_from_its_header_and_an_event_file_stays_an_event_file()
    {
        Assert.Equal("tasks", InputIngestor.KindOf(Write("x.csv", "task_id,geo,province_code,year,title,due_date,completed_at,status\n"))?.Name);
        Assert.Equal("feedback", InputIngestor.KindOf(Write("y.csv", "received_at,feedback_id,province_code\n"))?.Name);
        Assert.Null(InputIngestor.KindOf(Write("z.csv", TestFiles.Header + "\n")));
        Assert.Null(InputIngestor.KindOf(Write("w.ndjson", "{\"event_id\":\"1\"}\n")));
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
