using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ReformMetrics.Dashboard.Users;
using Spectre.Console;

namespace ReformMetrics.Cli.Verbs;

/// <summary>`reform users add|disable|enable|token|tokens|list`: dashboard users and their API tokens, managed from the
/// command line. Every change is audited.</summary>
internal static class UsersVerb
{
    public static Command Create() =>
        new("users", "Quản lý người dùng bảng điều khiển và mã truy cập API.") { Add(), Disable(disabled: true), Disable(disabled: false), Token(), Tokens(), List() };

    private static Command Add()
    {
        var name = new Option<string>("--name") { Description = "Tên đăng nhập (a-z, 0-9, . - _)", Required = true };
        var role = new Option<string>("--role") { Description = "national, province, reporter, analyst hoặc admin", Required = true };
        var province = new Option<string?>("--province") { Description = "Mã tỉnh (34 tỉnh, thành phố từ 01/07/2025) cho vai trò province và reporter" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Đọc mật khẩu từ dòng đầu của stdin (không bao giờ từ tham số dòng lệnh)" };
        var add = new Command("add", "Tạo người dùng bảng điều khiển, hoặc đổi vai trò, tỉnh và mật khẩu của người đã có (các phiên đang mở của người đó kết thúc).")
        {
            name, role, province, passwordStdin,
        };
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
            return await WithUsersAsync(parse, async (users, audit) =>
            {
                var user = await users.SaveAsync(parse.GetRequiredValue(name), parsedRole, parse.GetValue(province), password, cancellationToken);
                await audit.WriteAsync("cli", "user_saved", $"{user.Name} {user.Role.Name()} {user.Province}".TrimEnd(), null, cancellationToken);
                ConsoleUi.Success($"Đã lưu người dùng {user.Name}: {user.Role.Label()}{(user.Province.Length > 0 ? $", tỉnh {user.Province}" : string.Empty)}.");
            }, cancellationToken);
        });
        return add;
    }

    private static Command Disable(bool disabled)
    {
        var name = new Argument<string>("name") { Description = "Tên đăng nhập" };
        var command = disabled
            ? new Command("disable", "Vô hiệu hoá tài khoản: các phiên đang mở kết thúc ngay ở yêu cầu tiếp theo, không đăng nhập được, mã API bị từ chối.") { name }
            : new Command("enable", "Kích hoạt lại tài khoản đã vô hiệu hoá (mã API chưa thu hồi và còn hạn dùng lại được).") { name };
        command.SetAction((parse, cancellationToken) => WithUsersAsync(parse, async (users, audit) =>
        {
            var user = await users.SetDisabledAsync(parse.GetRequiredValue(name), disabled, cancellationToken);
            await audit.WriteAsync("cli", disabled ? "user_disabled" : "user_enabled", user.Name, null, cancellationToken);
            ConsoleUi.Success(disabled ? $"Đã vô hiệu hoá tài khoản {user.Name}; các phiên đang mở kết thúc ở yêu cầu tiếp theo." : $"Đã kích hoạt lại tài khoản {user.Name}.");
        }, cancellationToken));
        return command;
    }

    private static Command Token()
    {
        var name = new Option<string>("--name") { Description = "Tên đăng nhập", Required = true };
        var label = new Option<string>("--label") { Description = "Ghi chú cho mã (ví dụ tên kịch bản dùng nó)", DefaultValueFactory = _ => string.Empty };
        var days = new Option<int>("--days")
        {
            Description = $"Số ngày mã còn hiệu lực (1–{UserStore.MaxTokenDays}, mặc định {UserStore.DefaultTokenDays})", DefaultValueFactory = _ => UserStore.DefaultTokenDays,
        };
        var revoke = new Option<string?>("--revoke") { Description = "Thu hồi mã có mã định danh này (cột \"Mã định danh\" của reform users tokens)" };
        var revokeAll = new Option<bool>("--revoke-all") { Description = "Thu hồi mọi mã của người dùng" };
        var token = new Command("token", "Cấp một mã truy cập API cho người dùng (gửi kèm Authorization: Bearer <mã>), in ra một lần; hoặc thu hồi mã.")
        {
            name, label, days, revoke, revokeAll,
        };
        token.SetAction((parse, cancellationToken) =>
        {
            var id = parse.GetValue(revoke);
            var all = parse.GetValue(revokeAll);
            if (id is not null && all)
            {
                throw new UsageException("Dùng --revoke ID hoặc --revoke-all, không dùng cả hai.");
            }

            var user = parse.GetRequiredValue(name).Trim().ToLowerInvariant();
            return WithUsersAsync(parse, async (users, audit) =>
            {
                if (id is not null || all)
                {
                    var revoked = await users.RevokeTokensAsync(user, id, cancellationToken);
                    await audit.WriteAsync("cli", "token_revoked", $"{user} {id ?? "*"}", null, cancellationToken);
                    ConsoleUi.Success(id is null ? $"Đã thu hồi {revoked} mã API còn hiệu lực của {user}." : $"Đã thu hồi mã API {id} của {user}.");
                    return;
                }

                var value = await users.CreateTokenAsync(user, parse.GetValue(label) ?? string.Empty, parse.GetValue(days), cancellationToken);
                await audit.WriteAsync("cli", "token_created", $"{user} {UserStore.TokenId(value)}", null, cancellationToken);
                ConsoleUi.Out.WriteLine(value);
                var expires = DateTimeOffset.UtcNow.AddDays(parse.GetValue(days));
                ConsoleUi.Info($"Mã truy cập API của {user}, mã định danh {UserStore.TokenId(value)}, hết hạn {VietnamTime(expires)} (chỉ hiện một lần; có đúng quyền của người dùng này).");
            }, cancellationToken);
        });
        return token;
    }

    private static Command Tokens()
    {
        var name = new Option<string>("--name") { Description = "Tên đăng nhập", Required = true };
        var tokens = new Command("tokens", "Liệt kê các mã API của người dùng (mã định danh, ghi chú, hạn dùng, trạng thái; không bao giờ in chính mã).") { name };
        tokens.SetAction((parse, cancellationToken) => WithUsersAsync(parse, async (users, _) =>
        {
            var now = DateTimeOffset.UtcNow;
            var table = new Table().AddColumns("Mã định danh", "Ghi chú", "Cấp lúc", "Hết hạn", "Trạng thái");
            foreach (var t in await users.ListTokensAsync(parse.GetRequiredValue(name), cancellationToken))
            {
                var state = t.RevokedAt is { } at ? $"đã thu hồi {VietnamTime(at)}" : t.ExpiresAt <= now ? "hết hạn" : "còn hiệu lực";
                table.AddRow(t.Id, Markup.Escape(t.Label), VietnamTime(t.CreatedAt), VietnamTime(t.ExpiresAt), state);
            }

            ConsoleUi.Out.Write(table);
        }, cancellationToken));
        return tokens;
    }

    private static Command List()
    {
        var list = new Command("list", "Liệt kê người dùng bảng điều khiển.");
        list.SetAction((parse, cancellationToken) => WithUsersAsync(parse, async (users, _) =>
        {
            var table = new Table().AddColumns("Tên", "Vai trò", "Tỉnh", "Trạng thái", "Khoá đến", "Tạo lúc");
            foreach (var user in await users.ListAsync(cancellationToken))
            {
                table.AddRow(Markup.Escape(user.Name), user.Role.Name(), user.Province, user.Disabled ? "đã vô hiệu hoá" : "hoạt động",
                    user.LockedUntil is { } until ? VietnamTime(until) : string.Empty, VietnamTime(user.CreatedAt));
            }

            ConsoleUi.Out.Write(table);
        }, cancellationToken));
        return list;
    }

    // Opens the store, runs the action, and turns a refused input into bad usage (exit 2) with its message.
    private static async Task<int> WithUsersAsync(ParseResult parse, Func<UserStore, AuditLog, Task> action, CancellationToken cancellationToken)
    {
        await using var cli = await CliHost.StartAsync(parse, cancellationToken);
        try
        {
            await action(cli.Services.GetRequiredService<UserStore>(), cli.Services.GetRequiredService<AuditLog>());
        }
        catch (UserInputException ex)
        {
            throw new UsageException(ex.Message);
        }

        return ReformCommand.Ok;
    }

    private static string VietnamTime(DateTimeOffset time) => time.ToOffset(TimeSpan.FromHours(7)).ToString("dd/MM/yyyy HH:mm", Vietnamese);

    private static readonly System.Globalization.CultureInfo Vietnamese = System.Globalization.CultureInfo.GetCultureInfo("vi-VN");
}
