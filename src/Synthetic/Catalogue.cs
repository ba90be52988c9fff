using System.Globalization;
using ReformMetrics.Store.Reference;
using P = ReformMetrics.Synthetic.Parameters.GeneratorParameters;

namespace ReformMetrics.Synthetic;

internal sealed record SyntheticProcedure(string Code, string SectorCode, string Level, int WorkingDays, bool OnlineEnabled, bool HasFee)
{
    public double LateShare => P.LateBySector.TryGetValue(SectorCode, out var late) ? late : P.LateBase;

    public bool IsLand => SectorCode == "DATDAI";
}

/// <summary>The demo procedures (sql/seed/procedures.csv) with the sector mix of <see cref="P.SectorMix"/>: within a
/// sector the first procedures are the common ones (weights 1, 1/2, 1/3, ...).</summary>
internal sealed class Catalogue
{
    private readonly double[] _cumulative;
    private readonly double[] _cumulativeOnline;

    public IReadOnlyList<SyntheticProcedure> Procedures { get; }
    public IReadOnlyList<SyntheticProcedure> OnlineProcedures { get; }

    public Catalogue()
    {
        Procedures = SeedFile.ReadRows("procedures.csv")
            .Select(r => new SyntheticProcedure(r["code"], r["sector_code"], r["level"],
                int.Parse(r["working_days"], CultureInfo.InvariantCulture), r["online_enabled"] == "true", r["has_fee"] == "true"))
            .Where(p => P.SectorMix.ContainsKey(p.SectorCode))
            .ToList();
        OnlineProcedures = Procedures.Where(p => p.OnlineEnabled).ToList();
        _cumulative = Cumulative(Procedures);
        _cumulativeOnline = Cumulative(OnlineProcedures);
    }

    public SyntheticProcedure Pick(ref Rng rng, bool onlineOnly) =>
        onlineOnly ? OnlineProcedures[rng.Pick(_cumulativeOnline)] : Procedures[rng.Pick(_cumulative)];

    private static double[] Cumulative(IReadOnlyList<SyntheticProcedure> procedures)
    {
        var weights = procedures.Select(p =>
        {
            var inSector = procedures.Where(q => q.SectorCode == p.SectorCode).ToList();
            var rank = inSector.IndexOf(p) + 1;
            var harmonic = Enumerable.Range(1, inSector.Count).Sum(i => 1.0 / i);
            return P.SectorMix[p.SectorCode] * (1.0 / rank) / harmonic;
        }).ToArray();
        var cumulative = new double[weights.Length];
        double sum = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            cumulative[i] = sum += weights[i];
        }

        return cumulative;
    }
}
