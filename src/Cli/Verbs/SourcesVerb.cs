using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using ReformMetrics.Ingest.Intake;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Store.Sources;

namespace ReformMetrics.Cli.Verbs;

/// <summary>`reform sources add|list|revoke`: the source systems allowed to POST /api/events, each bound to the provinces it
/// serves; `add` prints the new API key once.</summary>
internal static class SourcesVerb
{
    private static readonly CultureInfo Vietnamese = CultureInfo.GetCultureInfo("vi-VN");

    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "Tên hệ thống nguồn, ví dụ motcua-tayninh" };
        var province = new Option<string?>("--province") { Description = "Mã các tỉnh (34 tỉnh, thành phố từ 01/07/2025) mà nguồn phục vụ, cách nhau bởi dấu phẩy, ví dụ 80 hoặc 80,01" };
        var allProvinces = new Option<bool>("--all-provinces") { Description = "Nguồn toàn quốc: được gửi sự kiện của mọi tỉnh" };
        var add = new Command("add", "Thêm (hoặc cấp lại khoá, gắn lại tỉnh cho) một hệ thống nguồn và in khoá API của nó.") { name, province, allProvinces };
        add.SetAction(async (parse, cancellationToken) =>
        {
            var source = Name(parse.GetRequiredValue(name));
            var all = parse.GetValue(allProvinces);
            var codes = (parse.GetValue(province) ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (all == (codes.Length > 0))
            {
                throw new UsageException(all
                    ? "Dùng --province hoặc --all-provinces, không dùng cả hai."
                    : "Cần --province <mã tỉnh,...> (các tỉnh nguồn phục vụ, ví dụ --province 80) hoặc --all-provinces (nguồn toàn quốc).");
            }

            await using var cli = await CliHost.StartAsync(parse, cancellationToken);
            var sources = cli.Services.GetRequiredService<ApiSources>();
            var unknown = await sources.UnknownProvincesAsync(codes, cancellationToken);
            if (unknown.Count > 0)
            {
                throw new UsageException($"--province: mã \"{string.Join("\", \"", unknown)}\" không phải một trong 34 tỉnh, thành phố từ 01/07/2025.");
            }

            var key = await sources.AddAsync(source, codes, all, cancellationToken);
            ConsoleUi.Out.WriteLine(key);
            ConsoleUi.Info($"Khoá API của {source}, {(all ? "mọi tỉnh" : "tỉnh " + string.Join(", ", codes))} (chỉ hiện một lần; khoá cũ, nếu có, hết hiệu lực). "
                + "Gửi kèm tiêu đề Authorization: Bearer <khoá>.");
            return ReformCommand.Ok;
        });

        var list = new Command("list", "Liệt kê các hệ thống nguồn, tỉnh của chúng, khoá đã thu hồi và lần cuối nhận được dữ liệu.");
        list.SetAction(async (parse, cancellationToken) =>
        {
            await using var cli = await CliHost.StartAsync(parse, cancellationToken);
            var activity = cli.Services.GetRequiredService<SourceActivity>();
            var table = new Table().AddColumns("Tên", "Tỉnh", "Tạo lúc", "Thu hồi", "Nhận dữ liệu lần cuối", "Cảnh báo");
            foreach (var s in await activity.ListAsync(cancellationToken))
            {
                var scope = s.AllProvinces ? "mọi tỉnh" : s.Provinces.Count > 0 ? string.Join(", ", s.Provinces) : "chưa gắn tỉnh (bị từ chối)";
                table.AddRow(Markup.Escape(s.Name), Markup.Escape(scope), Time(s.CreatedAt), s.Revoked ? "có" : "không",
                    s.LastAcceptedAt is { } last ? Time(last) : "chưa lần nào",
                    s.IsSilent(activity.Now, activity.SilentAfter) ? Markup.Escape(s.SilenceWarning(activity.SilentAfter)) : string.Empty);
            }

            ConsoleUi.Out.Write(table);
            return ReformCommand.Ok;
        });

        var revokeName = new Argument<string>("name") { Description = "Tên hệ thống nguồn" };
        var revoke = new Command("revoke", "Thu hồi khoá API của một hệ thống nguồn (dịch vụ đang chạy áp dụng trong vòng 5 giây).") { revokeName };
        revoke.SetAction(async (parse, cancellationToken) =>
        {
            var source = Name(parse.GetRequiredValue(revokeName));
            await using var cli = await CliHost.StartAsync(parse, cancellationToken);
            if (!await cli.Services.GetRequiredService<ApiSources>().RevokeAsync(source, cancellationToken))
            {
                throw new UsageException($"Không có hệ thống nguồn {source}; xem reform sources list.");
            }

            ConsoleUi.Success($"Đã thu hồi khoá của {source}.");
            return ReformCommand.Ok;
        });
        return new Command("sources", "Quản lý các hệ thống nguồn gửi sự kiện qua HTTP.") { add, list, revoke };
    }

    private static string Time(DateTimeOffset instant) => MetricFormat.InVietnam(instant).ToString("dd/MM/yyyy HH:mm", Vietnamese);

    private static string Name(string value)
    {
        var source = value.Trim();
        return source.Length is 0 or > 64 || source.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            ? throw new UsageException("Tên hệ thống nguồn gồm 1–64 ký tự: chữ, số, '-', '_' hoặc '.'.")
            : source;
    }
}
