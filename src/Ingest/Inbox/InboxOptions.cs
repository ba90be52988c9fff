using System.ComponentModel.DataAnnotations;

namespace ReformMetrics.Ingest.Inbox;

/// <summary>The folder source systems drop event files into (section "Inbox").</summary>
public sealed class InboxOptions
{
    public const string SectionName = "Inbox";

    /// <summary>Files dropped here are loaded, then moved to processed/ or failed/ beside it. Default: &lt;store&gt;/inbox.</summary>
    public string? Directory { get; set; }

    [Range(1, 3600)]
    public int PollSeconds { get; set; } = 2;
}
