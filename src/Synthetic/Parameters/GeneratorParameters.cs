namespace ReformMetrics.Synthetic.Parameters;

/// <summary>Every tunable figure of the generator in one place; Parameters/README.md gives the source of each.</summary>
internal static class GeneratorParameters
{
    /// <summary>Share of dossiers by sector (sectors.csv codes); normalised when used.</summary>
    public static readonly IReadOnlyDictionary<string, double> SectorMix = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["HOTICH"] = 30, ["CHUNGTHUC"] = 24, ["DATDAI"] = 14, ["DKKD"] = 4, ["HKD"] = 4, ["XAYDUNG"] = 3,
        ["DAUTU"] = 0.6, ["TUPHAP"] = 3, ["LAODONG"] = 1.5, ["BHXH"] = 2, ["GIAOTHONG"] = 4, ["NGUOICOCONG"] = 1,
        ["BAOTRO"] = 2, ["YTE"] = 0.8, ["GIAODUC"] = 1.5, ["CONGTHUONG"] = 1, ["VANHOA"] = 0.5, ["MOITRUONG"] = 0.5,
        ["TAINGUYENNUOC"] = 0.3,
    };

    /// <summary>The provincial department that receives a sector's province-level dossiers (code suffix, name).</summary>
    public static readonly IReadOnlyDictionary<string, (string Code, string Name)> Departments = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["HOTICH"] = ("STP", "Sở Tư pháp"), ["CHUNGTHUC"] = ("STP", "Sở Tư pháp"), ["TUPHAP"] = ("STP", "Sở Tư pháp"),
        ["DATDAI"] = ("STNMT", "Sở Tài nguyên và Môi trường"), ["MOITRUONG"] = ("STNMT", "Sở Tài nguyên và Môi trường"),
        ["TAINGUYENNUOC"] = ("STNMT", "Sở Tài nguyên và Môi trường"),
        ["DKKD"] = ("SKHDT", "Sở Kế hoạch và Đầu tư"), ["DAUTU"] = ("SKHDT", "Sở Kế hoạch và Đầu tư"),
        ["HKD"] = ("SKHDT", "Sở Kế hoạch và Đầu tư"),
        ["XAYDUNG"] = ("SXD", "Sở Xây dựng"), ["GIAOTHONG"] = ("SGTVT", "Sở Giao thông vận tải"),
        ["LAODONG"] = ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội"), ["BHXH"] = ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội"),
        ["NGUOICOCONG"] = ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội"), ["BAOTRO"] = ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội"),
        ["YTE"] = ("SYT", "Sở Y tế"), ["GIAODUC"] = ("SGDDT", "Sở Giáo dục và Đào tạo"), ["CONGTHUONG"] = ("SCT", "Sở Công Thương"),
        ["VANHOA"] = ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    };

    // Arrivals.
    public const double NonWorkingDayWeight = 0.06;
    public const double AfterTetWeight = 0.7;
    public const int AfterTetWorkingDays = 5;
    public const double DecemberWeight = 1.15;
    public const double JanuaryWeight = 1.05;
    public const double YearlyGrowth = 0.05;
    public const double CellJitter = 0.15;

    // Units per province: one district per this many thousand inhabitants, and communes likewise.
    public const double DistrictPerThousand = 120;
    public const double CommunePerThousand2008 = 9;
    public const double CommunePerThousand2025 = 25;

    // Channels.
    public const double OnlineShareStart = 0.08;
    public const double OnlineShareRise = 0.52;
    public static readonly DateOnly OnlineShareMidpoint = new(2025, 6, 1);
    public const double OnlineShareMonthsScale = 6;
    public const double OnlineOffsetMin = -0.08;
    public const double OnlineOffsetMax = 0.10;
    public const double EnabledShareForOnline = 0.85;
    public const double PostalShareMin = 0.05;
    public const double PostalShareMax = 0.15;

    // Processing.
    public const double LateBase = 0.012;
    public static readonly IReadOnlyDictionary<string, double> LateBySector = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["DATDAI"] = 0.07, ["XAYDUNG"] = 0.05, ["DAUTU"] = 0.04,
    };
    public const double ProvinceLateFactorMin = 0.4;
    public const double ProvinceLateFactorMax = 2.2;
    public const double LateYearlyImprovement = 0.12;
    public const double OnDueDayShare = 0.07;
    public const double LateExtraDaysGeometric = 0.35;
    public const double SupplementShare = 0.06;
    public const double SupplementShareLand = 0.15;
    public const double SecondSupplementShare = 0.03;
    public const double SupplementNeverAnswered = 0.08;
    public const double DueChangedShare = 0.01;
    public const int DueChangedExtraDays = 5;
    public const double WithdrawnShare = 0.012;
    public const double RejectedShare = 0.03;
    public const double DueOmittedShare = 0.05;

    // After resolution.
    public const double ReturnedShare = 0.92;
    public const double PostalReturnIfPostal = 0.9;
    public const double PostalReturnOtherwise = 0.08;
    public const double OnlineReturnIfOnline = 0.4;
    public const double ApologyShare = 0.85;
    public const double PaidOnlineIfOnlineStart = 0.55;
    public const double PaidOnlineIfOnlineEnd = 0.8;
    public const double PaidOnlineIfDirect = 0.05;
    public const double RatedShare = 0.35;
    public static readonly double[] RatingOnTime = [0.55, 0.40, 0.05];
    public static readonly double[] RatingLate = [0.15, 0.45, 0.40];

    // Other inputs.
    public const int DossiersPerFeedback = 2000;
    public const double FeedbackResolvedShare = 0.9;
    public const int TasksPerProvinceYear = 40;
}
