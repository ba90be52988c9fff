namespace ReformMetrics.Ingest.Contract;

/// <summary>The enumerations of the contract, numbered as the Enum8 columns of the events table.</summary>
public static class EventCodes
{
    public static readonly string[] EventTypes =
    [
        "received", "supplement_requested", "supplement_received", "due_changed", "resolved", "returned", "withdrawn",
        "apologized", "paid_online", "rated",
    ];

    public static readonly string[] Levels = ["province", "district", "commune"];
    public static readonly string[] Channels = ["direct", "online", "postal"];
    public static readonly string[] Outcomes = ["approved", "rejected"];
    public static readonly string[] Ratings = ["very_satisfied", "satisfied", "dissatisfied"];

    public const byte Received = 1;
    public const byte DueChanged = 4;
    public const byte Resolved = 5;
    public const byte Returned = 6;
    public const byte Rated = 10;
    public const byte District = 2;

    /// <summary>1-based code of a value in the list (the Enum8 value), or 0 when it is not one of them.</summary>
    public static byte Code(ReadOnlySpan<char> value, string[] names)
    {
        for (var i = 0; i < names.Length; i++)
        {
            if (value.SequenceEqual(names[i]))
            {
                return (byte)(i + 1);
            }
        }

        return 0;
    }
}
