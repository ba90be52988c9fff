namespace ReformMetrics.Store.Embedded;

/// <summary>The embedded engine cannot be fetched or started; the message is for the end user (Vietnamese).</summary>
public sealed class EngineUnavailableException : Exception
{
    public EngineUnavailableException(string message)
        : base(message)
    {
    }

    public EngineUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public EngineUnavailableException()
    {
    }
}
