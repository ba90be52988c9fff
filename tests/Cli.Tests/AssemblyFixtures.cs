using ReformMetrics.Cli.Tests.Campaigns;
using ReformMetrics.TestSupport;

[assembly: AssemblyFixture(typeof(TestEngine))]
[assembly: AssemblyFixture(typeof(CampaignData))]
