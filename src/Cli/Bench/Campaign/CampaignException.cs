namespace ReformMetrics.Cli.Bench.Campaign;

/// <summary>A campaign could not go on: its set-up failed, or the product did not behave as a campaign needs (a finding,
/// reported to the user in Vietnamese rather than hidden).</summary>
internal sealed class CampaignException(string message) : Exception(message);

/// <summary>Runs a campaign's action: a <see cref="CampaignException"/> (or a failed read, write or connection of the campaign
/// itself) is reported in Vietnamese, without a stack trace, and gives exit code 1.</summary>
internal static class CampaignRun
{
    public static async Task<int> GuardAsync(Func<Task<int>> campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        try
        {
            return await campaign();
        }
        catch (CampaignException ex)
        {
            ConsoleUi.Fail(ex.Message);
            return ReformCommand.Failure;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            ConsoleUi.Fail($"Chiến dịch dừng vì lỗi vào ra: {ex.Message}");
            return ReformCommand.Failure;
        }
    }
}
