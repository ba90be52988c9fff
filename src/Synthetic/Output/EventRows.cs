using System.Globalization;

namespace ReformMetrics.Synthetic.Output;

/// <summary>Turns a generated event into the 15 contract fields.</summary>
internal static class EventRows
{
    private static readonly string[] TypeNames =
    [
        "received", "supplement_requested", "supplement_received", "due_changed", "resolved", "returned", "withdrawn",
        "apologized", "paid_online", "rated",
    ];

    public static string?[] Fields(SyntheticDossier d, int index)
    {
        var e = d.Events[index];
        var f = new string?[15];
        f[0] = string.Create(CultureInfo.InvariantCulture, $"{d.Id}/{index}");
        f[1] = d.Id;
        f[2] = TypeNames[(int)e.Kind];
        f[3] = Time(e.At);
        switch (e.Kind)
        {
            case EventKind.Received:
                f[4] = d.Province.Code;
                f[5] = d.Level;
                f[6] = d.AgencyCode;
                f[7] = d.Procedure.SectorCode;
                f[8] = d.Procedure.Code;
                f[9] = d.Channel;
                f[10] = d.Procedure.OnlineEnabled ? "true" : "false";
                f[11] = e.Due is { } due ? Time(due) : null;
                break;
            case EventKind.Returned:
                f[9] = e.Value;
                break;
            case EventKind.DueChanged:
                f[11] = Time(e.Due!.Value);
                break;
            case EventKind.Resolved:
                f[12] = e.Value;
                break;
            case EventKind.Rated:
                f[13] = e.Value;
                break;
            default:
                break;
        }

        f[14] = e.Reason;
        return f;
    }

    /// <summary>ISO 8601 with the Vietnam offset, as source systems send it.</summary>
    public static string Time(DateTime at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss'+07:00'", CultureInfo.InvariantCulture);
}
