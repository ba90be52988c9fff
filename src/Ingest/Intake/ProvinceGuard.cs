using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ClickHouse.Driver;
using Dapper;
using Microsoft.Extensions.Logging;
using ReformMetrics.Ingest.Contract;
using ReformMetrics.Ingest.Loading;
using ReformMetrics.Ingest.Validation;
using ReformMetrics.Store;

namespace ReformMetrics.Ingest.Intake;

/// <summary>
/// Keeps a source bound to provinces to the dossiers of those provinces, row by row. A <c>received</c> event must carry one
/// of them (its code read in the geography in force on its date, then mapped to the 2025 province it became part of). Any
/// other event must belong to a dossier whose receipt is of one of them: a receipt stored before (looked up once per
/// batch, any month), or one in the same body (this batch or the one before it, which may still be being stored). A
/// dossier with a receipt of another province anywhere is refused, as is one without any receipt yet: a bound source
/// writes only dossiers it can show are its own. Refused rows become rejections like any other; nothing is dropped.
/// </summary>
/// <remarks>One guard per load, on the loader's side of the pipeline, before the batch is indexed.</remarks>
public sealed class ProvinceGuard(ClickHouseStore store, InFlightBatches lookupTable, IngestReference reference, SourceScope source, ILogger logger)
{
    // ClickHouse caps a form field at 128 KiB: larger sets of dossiers go through the ingest_lookup table.
    private const int MaxParameterBytes = 64 * 1024;
    private static readonly JsonSerializerOptions RawJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly HashSet<string> _own = new(source.Provinces, StringComparer.Ordinal);
    private Dictionary<string, string> _previous = new(StringComparer.Ordinal);

    /// <summary>Written as the message of a load whose rows the guard refused: such a body is read again when sent again,
    /// since what it comes to depends on the receipts stored meanwhile.</summary>
    public const string RefusedNote = "province check refused rows";

    /// <summary>Rows refused so far in this load.</summary>
    public long Refused { get; private set; }

    /// <summary>Marks the rows of other provinces' dossiers as excluded and returns the batch with their rejections added.</summary>
    public async Task<IngestBatch> CheckAsync(IngestBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var events = batch.Events;
        var dossiers = new string[events.Count];
        for (var row = 0; row < events.Count; row++)
        {
            dossiers[row] = events.DossierId.GetString(row);
        }

        var stored = await StoredReceiptsAsync(dossiers.Distinct(StringComparer.Ordinal).ToList(), cancellationToken).ConfigureAwait(false);

        // Receipts in this batch, of any province: another province's receipt makes its dossier foreign.
        var body = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var row = 0; row < events.Count; row++)
        {
            if (events.EventType[row] == EventCodes.Received)
            {
                Note(body, dossiers[row], reference.Province2025(events.ProvinceCode.GetString(row), events.OccurredAtMs[row]));
            }
        }

        var excluded = new bool[events.Count];
        var rejections = new List<Rejection>();
        for (var row = 0; row < events.Count; row++)
        {
            var dossier = dossiers[row];
            string? province = null;
            foreach (var known in new[] { stored.GetValueOrDefault(dossier), body.GetValueOrDefault(dossier), _previous.GetValueOrDefault(dossier) })
            {
                if (known is not null && (province is null || !_own.Contains(known)))
                {
                    province = known;
                }
            }

            string field, reason;
            if (events.EventType[row] == EventCodes.Received
                && reference.Province2025(events.ProvinceCode.GetString(row), events.OccurredAtMs[row]) is var own && !_own.Contains(own))
            {
                (field, reason) = ("province_code", $"mã tỉnh {events.ProvinceCode.GetString(row)} là {reference.Describe2025(own)} (địa giới 2025); nguồn {source.Name} chỉ được gửi sự kiện của {Own()}");
            }
            else if (province is null)
            {
                (field, reason) = ("dossier_id", $"hồ sơ {dossier} chưa có sự kiện received: nguồn {source.Name} chỉ được gửi sự kiện của hồ sơ thuộc {Own()}; hãy gửi sự kiện received trước, hoặc trong cùng lần gửi");
            }
            else if (!_own.Contains(province))
            {
                (field, reason) = ("dossier_id", $"hồ sơ {dossier} thuộc {reference.Describe2025(province)}; nguồn {source.Name} chỉ được gửi sự kiện của {Own()}");
            }
            else
            {
                continue;
            }

            excluded[row] = true;
            rejections.Add(new Rejection(events.Line[row], Raw(events.ToEvent(row)), field, reason));
        }

        _previous = body;
        Refused += rejections.Count;
        if (rejections.Count == 0)
        {
            return batch;
        }

        logger.LogWarning("{Source}: {Rejected} rows of batch {Batch} refused: dossiers outside the source's provinces", source.Name, rejections.Count, batch.Number);
        events.Scratch.Excluded = excluded;
        return batch with { Rejections = [.. batch.Rejections.Concat(rejections).OrderBy(r => r.Line)] };
    }

    private string Own() => string.Join(", ", source.Provinces.Select(reference.Describe2025));

    /// <summary>Keeps another province over an own one: one foreign receipt makes the dossier foreign.</summary>
    private void Note(Dictionary<string, string> provinces, string dossier, string province)
    {
        if (!provinces.TryGetValue(dossier, out var known) || (_own.Contains(known) && !_own.Contains(province)))
        {
            provinces[dossier] = province;
        }
    }

    /// <summary>The 2025 province of each dossier's stored receipts (another province's, when there are several).</summary>
    private async Task<Dictionary<string, string>> StoredReceiptsAsync(List<string> dossiers, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (dossiers.Count == 0)
        {
            return result;
        }

        const string Query = """
            SELECT dossier_id, toString(province_code), toInt64(toUnixTimestamp64Milli(occurred_at))
            FROM events WHERE dossier_id IN (DOSSIERS) AND event_type = 'received'
            """;
        var small = dossiers.Sum(d => Encoding.UTF8.GetByteCount(d) + 4) <= MaxParameterBytes;
        // The ingest_lookup table is shared by every load of the process: one user at a time (the loader's look-ups too).
        using var exclusive = small ? null : await lookupTable.WaitAsync(cancellationToken).ConfigureAwait(false);
        var rows = await Retry.RunAsync(store, "look up the provinces of stored dossiers", async token =>
        {
            await using var connection = store.CreateConnection();
            if (small)
            {
                return await connection.QueryAsync<(string Dossier, string Province, long At)>(new CommandDefinition(
                    Query.Replace("DOSSIERS", "SELECT arrayJoin(@dossiers)", StringComparison.Ordinal), new { dossiers },
                    cancellationToken: token)).ConfigureAwait(false);
            }

            await connection.ExecuteAsync(new CommandDefinition("TRUNCATE TABLE ingest_lookup", cancellationToken: token)).ConfigureAwait(false);
            await store.Client.InsertBinaryAsync("ingest_lookup", ["dossier_id"], dossiers.Select(d => new object[] { d }),
                new InsertOptions { CustomSettings = new Dictionary<string, object> { ["async_insert"] = 0 } }, token).ConfigureAwait(false);
            return await connection.QueryAsync<(string Dossier, string Province, long At)>(new CommandDefinition(
                Query.Replace("DOSSIERS", "SELECT dossier_id FROM ingest_lookup", StringComparison.Ordinal),
                cancellationToken: token)).ConfigureAwait(false);
        }, logger, cancellationToken).ConfigureAwait(false);
        foreach (var (dossier, province, at) in rows)
        {
            Note(result, dossier, reference.Province2025(province, at));
        }

        return result;
    }

    /// <summary>The refused event as one NDJSON line in the contract's fields, for quarantine: it was read from columns, so
    /// its text as sent is no longer at hand, and this line can be sent again as it is.</summary>
    private static string Raw(ValidEvent e)
    {
        var vietnam = TimeSpan.FromHours(7);
        string Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToOffset(vietnam).ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture);
        string? Code(byte code, string[] names) => code == 0 ? null : names[code - 1];
        var fields = new Dictionary<string, string?>
        {
            ["event_id"] = e.EventId, ["dossier_id"] = e.DossierId, ["event_type"] = Code(e.EventType, EventCodes.EventTypes),
            ["occurred_at"] = Time(e.OccurredAtMs), ["province_code"] = e.ProvinceCode, ["level"] = Code(e.Level, EventCodes.Levels),
            ["agency_code"] = e.AgencyCode, ["sector_code"] = e.SectorCode, ["procedure_code"] = e.ProcedureCode,
            ["channel"] = Code(e.Channel, EventCodes.Channels), ["online_enabled"] = e.OnlineEnabled switch { 1 => "false", 2 => "true", _ => null },
            ["due_at"] = e.DueAtMs is { } due ? Time(due) : null, ["outcome"] = Code(e.Outcome, EventCodes.Outcomes),
            ["rating"] = Code(e.Rating, EventCodes.Ratings), ["reason"] = e.Reason,
        };
        return JsonSerializer.Serialize(fields.Where(f => !string.IsNullOrEmpty(f.Value)).ToDictionary(f => f.Key, f => f.Value), RawJson);
    }
}
