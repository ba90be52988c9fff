namespace ReformMetrics.Synthetic;

/// <summary>SplitMix64: tiny, fast, and the same sequence on every platform and .NET version, which System.Random
/// does not promise. Each dossier gets its own generator seeded from the run seed and its ordinal, so a dossier's
/// events can be rebuilt alone (for the months after its receipt) and do not depend on the dossiers before it.</summary>
internal struct Rng(ulong state)
{
    private ulong _state = state;

    public static ulong Mix(ulong a, ulong b)
    {
        var rng = new Rng(a * 0x9E3779B97F4A7C15 ^ b);
        rng.Next();
        return rng.Next();
    }

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, n).</summary>
    public int Next(int n) => n <= 1 ? 0 : (int)(NextDouble() * n);

    public bool Chance(double p) => NextDouble() < p;

    public double Between(double min, double max) => min + NextDouble() * (max - min);

    /// <summary>Failures before the first success, each trial succeeding with probability p.</summary>
    public int Geometric(double p)
    {
        var n = 0;
        while (n < 60 && !Chance(p))
        {
            n++;
        }

        return n;
    }

    /// <summary>An index drawn with the given cumulative weights (last element = total).</summary>
    public int Pick(double[] cumulative)
    {
        var u = NextDouble() * cumulative[^1];
        var i = Array.BinarySearch(cumulative, u);
        i = i < 0 ? ~i : i + 1;
        return Math.Min(i, cumulative.Length - 1);
    }
}
