namespace ReformMetrics.Store.Cluster;

/// <summary>A local cluster cannot be started, stopped or read; the message is for the end user (Vietnamese).</summary>
public sealed class ClusterException : Exception
{
    public ClusterException(string message)
        : base(message)
    {
    }

    public ClusterException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ClusterException()
    {
    }
}
