using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ReformMetrics.Store.Tests;

/// <summary>A connection string may name the cluster (`reform cluster up` prints one that does): the key becomes
/// ClickHouse:Cluster, and the driver never sees it.</summary>
public sealed class ClickHouseOptionsTests
{
    private const string Server = "Host=127.0.0.1;Port=8123;Protocol=http;Username=reform_service;Password=p";

    [Fact]
    public void Cluster_in_the_connection_string_becomes_the_cluster_option_and_leaves_the_string()
    {
        var options = Resolve(new() { ["ClickHouse:ConnectionString"] = Server + ";Cluster=reform_cluster" });

        Assert.Equal("reform_cluster", options.Cluster);
        Assert.DoesNotContain("cluster", options.ConnectionString!, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("password=p", options.ConnectionString!, StringComparison.OrdinalIgnoreCase);
        Assert.False(options.IsEmbedded);
    }

    [Fact]
    public void A_string_without_the_key_keeps_the_configured_cluster()
    {
        var options = Resolve(new() { ["ClickHouse:ConnectionString"] = Server, ["ClickHouse:Cluster"] = "national" });

        Assert.Equal("national", options.Cluster);
        Assert.Equal(Server, options.ConnectionString);
    }

    [Fact]
    public void Two_different_cluster_names_are_refused_naming_both()
    {
        var failure = Assert.Throws<OptionsValidationException>(() =>
            Resolve(new() { ["ClickHouse:ConnectionString"] = Server + ";Cluster=reform_cluster", ["ClickHouse:Cluster"] = "national" }));

        Assert.Contains(failure.Failures, f => f.Contains("Cluster=reform_cluster", StringComparison.Ordinal) && f.Contains("national", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cluster_name_that_is_not_an_identifier_is_refused()
    {
        Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["ClickHouse:ConnectionString"] = Server + ";Cluster=a b" }));
    }

    private static ClickHouseOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddLogging().AddClickHouseStore(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<ClickHouseOptions>>().Value;
    }
}
