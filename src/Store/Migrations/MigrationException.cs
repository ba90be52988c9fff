namespace ReformMetrics.Store.Migrations;

/// <summary>The schema cannot be brought up to date; the message tells the operator why, in Vietnamese.</summary>
public sealed class MigrationException : Exception
{
    public MigrationException(string message)
        : base(message)
    {
    }

    public MigrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MigrationException()
    {
    }
}
