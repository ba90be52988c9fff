using ReformMetrics.TestSupport;

[assembly: AssemblyFixture(typeof(TestEngine))]
