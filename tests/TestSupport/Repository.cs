namespace ReformMetrics.TestSupport;

/// <summary>The checkout the tests run from, for tests that read its files (sql/, docs/).</summary>
public static class Repository
{
    public static string Root
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ReformMetrics.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new DirectoryNotFoundException("ReformMetrics.sln not found above the test output");
        }
    }
}
