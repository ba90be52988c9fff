using System.Globalization;
using ReformMetrics.Store.Reference;
using ReformMetrics.Synthetic.Parameters;
using P = ReformMetrics.Synthetic.Parameters.GeneratorParameters;

namespace ReformMetrics.Synthetic;

/// <summary>A province as the generator sees it: its population weight, its units, and the traits that make it
/// differ from others (online uptake, postal use, lateness). A 2025 province inherits the population-weighted traits
/// of the provinces merged into it, so its figures continue theirs across 2025-07-01.</summary>
internal sealed record SyntheticProvince(
    int Geo, string Code, string Name, double Population, int Districts, int Communes,
    double OnlineOffset, double PostalShare, double LateFactor, string Code2025)
{
    /// <summary>An agency code: geography, province, unit. Codes were reused in 2025, so the geography is part of it.</summary>
    public string Agency(string unit) => string.Create(CultureInfo.InvariantCulture, $"{Geo}.{Code}.{unit}");
}

/// <summary>The provinces of both geographies (sql/seed/province_map.csv) weighted by population.</summary>
internal sealed class Geography
{
    public static readonly DateOnly MergerDay = new(2025, 7, 1);

    public IReadOnlyList<SyntheticProvince> Provinces2008 { get; }
    public IReadOnlyList<SyntheticProvince> Provinces2025 { get; }

    public Geography(ulong seed)
    {
        var population = ReadPopulation();
        var map = SeedFile.ReadRows("province_map.csv");
        Provinces2008 = map.Select(r =>
        {
            var code = r["old_code"];
            var pop = population.TryGetValue(code, out var p) ? p : throw new InvalidOperationException($"No population for province {code}");
            var traits = new Rng(Rng.Mix(seed, ulong.Parse(code, CultureInfo.InvariantCulture)));
            return new SyntheticProvince(2008, code, r["old_name"], pop,
                Units(pop, P.DistrictPerThousand, 7, 30), Units(pop, P.CommunePerThousand2008, 60, 600),
                traits.Between(P.OnlineOffsetMin, P.OnlineOffsetMax) + (pop > 3000 ? 0.05 : 0),
                traits.Between(P.PostalShareMin, P.PostalShareMax),
                traits.Between(P.ProvinceLateFactorMin, P.ProvinceLateFactorMax),
                r["new_code"]);
        }).OrderBy(p => p.Code, StringComparer.Ordinal).ToList();

        Provinces2025 = map.GroupBy(r => r["new_code"]).Select(g =>
        {
            var parts = Provinces2008.Where(p => p.Code2025 == g.Key).ToList();
            var pop = parts.Sum(p => p.Population);
            double Weighted(Func<SyntheticProvince, double> trait) => parts.Sum(p => trait(p) * p.Population) / pop;
            return new SyntheticProvince(2025, g.Key, g.First()["new_name"], pop,
                0, Units(pop, P.CommunePerThousand2025, 40, 170),
                Weighted(p => p.OnlineOffset), Weighted(p => p.PostalShare), Weighted(p => p.LateFactor), g.Key);
        }).OrderBy(p => p.Code, StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<SyntheticProvince> InForce(DateOnly day) => day < MergerDay ? Provinces2008 : Provinces2025;

    /// <summary>Every agency the generator can name: the departments, the district and commune one-stop units.</summary>
    public IEnumerable<SyntheticAgency> Agencies()
    {
        foreach (var p in Provinces2008.Concat(Provinces2025))
        {
            var (from, to) = p.Geo == 2008 ? ("2008-08-01", "2025-06-30") : ("2025-07-01", "2099-12-31");
            foreach (var department in P.Departments.Values.Distinct())
            {
                yield return new SyntheticAgency(p.Agency(department.Code), $"{department.Name} {p.Name}", p.Code, "province", from, to);
            }

            for (var d = 1; d <= p.Districts; d++)
            {
                yield return new SyntheticAgency(p.Agency(District(d)), $"Bộ phận Một cửa UBND cấp huyện số {d:D2}, {p.Name}", p.Code, "district", from, to);
            }

            for (var c = 1; c <= p.Communes; c++)
            {
                yield return new SyntheticAgency(p.Agency(Commune(c)), $"Bộ phận Một cửa UBND cấp xã số {c:D3}, {p.Name}", p.Code, "commune", from, to);
            }
        }
    }

    public static string District(int n) => string.Create(CultureInfo.InvariantCulture, $"H{n:D2}");

    public static string Commune(int n) => string.Create(CultureInfo.InvariantCulture, $"X{n:D3}");

    private static int Units(double population, double perThousand, int min, int max) =>
        Math.Clamp((int)Math.Round(population / perThousand), min, max);

    private static Dictionary<string, double> ReadPopulation()
    {
        using var stream = typeof(Geography).Assembly.GetManifestResourceStream("population.csv")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1)
            .Select(line => line.Split(','))
            .ToDictionary(f => f[0], f => double.Parse(f[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
    }
}

internal sealed record SyntheticAgency(string Code, string Name, string ProvinceCode, string Level, string ValidFrom, string ValidTo);
