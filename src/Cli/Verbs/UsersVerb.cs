using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ReformMetrics.Dashboard.Users;
using Spectre.Console;

namespace ReformMetrics.Cli.Verbs;

/// <summary>`reform users add|token|list`: dashboard users and their API tokens, managed from the command line.</summary>
internal static class UsersVerb
{
    public static Command Create()
    {
        var name = new Option<string>("--name") { Description = "Tên đăng nhập (a-z, 0-9, . - _)", Required = true };
        var role = new Option<string>("--role") { Description = "national, province, reporter, analyst hoặc admin", Required = true };
        var province = new Option<string?>("--province") { Description = "Mã tỉnh (34 tỉnh, thành phố từ 01/07/2025) cho vai trò province và reporter" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Đọc mật khẩu từ dòng đầu của stdin (không bao giờ từ tham số dòng lệnh)" };
        var add = new Command("add", "Tạo người dùng bảng điều khiển, hoặc đổi vai trò, tỉnh và mật khẩu của người đã có.") { name, role, province, passwordStdin };
        add.SetAction(async (parse, cancellationToken) =>
        {
            if (!Roles.TryParse(parse.GetRequiredValue(role), out var parsedRole))
            {
                throw new UsageException($"--role \"{parse.GetValue(role)}\" không hợp lệ; dùng national, province, reporter, analyst hoặc admin.");
            }

            if (!parse.GetValue(passwordStdin))
            {
                throw new UsageException("Cần --password-stdin: mật khẩu được đọc từ stdin để không lộ trong lịch sử lệnh.");
            }

            var password = (await Console.In.ReadLineAsync(cancellationToken))?.TrimEnd('\r') ?? string.Empty;
            await using var cli = await CliHost.StartAsync(parse, cancellationToken);
            try
            {
                var user = await cli.Services.GetRequiredService<UserStore>().SaveAsync(parse.GetRequiredValue(name), parsedRole, parse.GetValue(province), password, cancellationToken);
                await cli.Services.GetRequiredService<AuditLog>().WriteAsync("cli", "user_saved", $"{user.Name} {user.Role.Name()} {user.Province}".TrimEnd(), null, cancellationToken);
                ConsoleUi.Success($"Đã lưu người dùng {user.Name}: {user.Role.Label()}{(user.Province.Length > 0 ? $", tỉnh {user.Province}" : string.Empty)}.");
            }
            catch (UserInputException ex)
            {
                throw new UsageException(ex.Message);
            }

            return ReformCommand.Ok;
        });

        var tokenName = new Option<string>("--name") { Description = "Tên đăng nhập", Required = true };
        var label = new Option<string>("--label") { Description = "Ghi chú cho mã (ví dụ tên kịch bản dùng nó)", DefaultValueFactory = _ => string.Empty };
        var token = new Command("token", "Cấp một mã truy cập API cho người dùng (gửi kèm Authorization: Bearer <mã>), in ra một lần.") { tokenName, label };
        token.SetAction(async (parse, cancellationToken) =>
        {
            await using var cli = await CliHost.StartAsync(parse, cancellationToken);
            try
            {
                var user = parse.GetRequiredValue(tokenName).Trim().ToLowerInvariant();
                var value = await cli.Services.GetRequiredService<UserStore>().CreateTokenAsync(user, parse.GetValue(label) ?? string.Empty, cancellationToken);
                await cli.Services.GetRequiredService<AuditLog>().WriteAsync("cli", "token_created", user, null, cancellationToken);
                ConsoleUi.Out.WriteLine(value);
                ConsoleUi.Info($"Mã truy cập API của {user} (chỉ hiện một lần; có đúng quyền của người dùng này).");
            }
            catch (UserInputException ex)
            {
                throw new UsageException(ex.Message);
            }

            return ReformCommand.Ok;
        });

        var list = new Command("list", "Liệt kê người dùng bảng điều khiển.");
        list.SetAction(async (parse, cancellationToken) =>
        {
            await using var cli = await CliHost.StartAsync(parse, cancellationToken);
            var table = new Table().AddColumns("Tên", "Vai trò", "Tỉnh", "Khoá đến", "Tạo lúc");
            foreach (var user in await cli.Services.GetRequiredService<UserStore>().ListAsync(cancellationToken))
            {
                table.AddRow(Markup.Escape(user.Name), user.Role.Name(), user.Province, user.LockedUntil?.ToOffset(TimeSpan.FromHours(7)).ToString("dd/MM/yyyy HH:mm", MetricsCulture) ?? string.Empty,
                    user.CreatedAt.ToOffset(TimeSpan.FromHours(7)).ToString("dd/MM/yyyy HH:mm", MetricsCulture));
            }

            ConsoleUi.Out.Write(table);
            return ReformCommand.Ok;
        });
        return new Command("users", "Quản lý người dùng bảng điều khiển và mã truy cập API.") { add, token, list };
    }

    private static readonly System.Globalization.CultureInfo MetricsCulture = System.Globalization.CultureInfo.GetCultureInfo("vi-VN");
}
