using System.CommandLine;

namespace ReformMetrics.Cli;

/// <summary>Options every verb accepts, before or after the verb (design.md, the `reform` command).</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Store = new("--store")
    {
        Description = "Thư mục dữ liệu của ClickHouse nhúng (mặc định ./.reform-data)",
        HelpName = "DIR",
        Recursive = true,
    };

    public static readonly Option<string?> ClickHouse = new("--clickhouse")
    {
        Description = "Dùng máy chủ ClickHouse thay cho bộ máy nhúng: chuỗi kết nối Host=...;Port=...;Username=...;Password=... (hoặc biến môi trường REFORM_CLICKHOUSE)",
        HelpName = "CONNSTRING",
        Recursive = true,
    };

    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Ghi nhật ký chi tiết ra stderr",
        Recursive = true,
    };

    public static void AddTo(RootCommand root)
    {
        root.Add(Store);
        root.Add(ClickHouse);
        root.Add(Verbose);
    }
}
