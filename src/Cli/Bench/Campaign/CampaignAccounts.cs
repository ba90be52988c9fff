using System.Security.Cryptography;

namespace ReformMetrics.Cli.Bench.Campaign;

/// <summary>A dashboard account a campaign created: its role (the names `reform users add --role` takes), its province for
/// the province-bound roles, its password, and an API token when one was asked for.</summary>
internal sealed record Account(string Name, string Role, string? Province, string Password, string? Token)
{
    public const string National = "national";
    public const string ProvinceViewer = "province";
    public const string Reporter = "reporter";
    public const string Analyst = "analyst";
    public const string Admin = "admin";

    public bool IsProvinceBound => Role is ProvinceViewer or Reporter;
}

/// <summary>Creates accounts through `reform users add --password-stdin` and tokens through `reform users token`, a few at a
/// time (each is a process that joins the engine).</summary>
internal static class CampaignAccounts
{
    public sealed record Request(string Name, string Role, string? Province, bool WithToken);

    public static async Task<IReadOnlyList<Account>> CreateAsync(CampaignTarget target, IReadOnlyList<Request> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(requests);
        var accounts = new Account[requests.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, requests.Count), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (i, token) =>
        {
            var request = requests[i];
            var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));
            List<string> add = ["users", "add", "--name", request.Name, "--role", request.Role, "--password-stdin"];
            if (request.Province is not null)
            {
                add.AddRange(["--province", request.Province]);
            }

            var added = await target.RunAsync(add, token, input: password);
            if (added.ExitCode != 0)
            {
                throw new CampaignException($"reform users add --name {request.Name} thoát với mã {added.ExitCode}: {added.Tail()}");
            }

            string? apiToken = null;
            if (request.WithToken)
            {
                var issued = await target.RunAsync(["users", "token", "--name", request.Name, "--label", "bench"], token);
                apiToken = issued.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
                if (issued.ExitCode != 0 || string.IsNullOrEmpty(apiToken))
                {
                    throw new CampaignException($"reform users token --name {request.Name} thoát với mã {issued.ExitCode} và không in mã nào: {issued.Tail()}");
                }
            }

            accounts[i] = new Account(request.Name, request.Role, request.Province, password, apiToken);
        });
        return accounts;
    }

    /// <summary>A short random tag that keeps one run's accounts, sources and events apart from another's.</summary>
    public static string RunTag() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
}
