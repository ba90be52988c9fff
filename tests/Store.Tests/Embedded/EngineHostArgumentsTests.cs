using ReformMetrics.Store.Embedded;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Store.Tests.Embedded;

/// <summary>The engine process's command line: what the store writes is what reform-engine reads, and nothing else.</summary>
public sealed class EngineHostArgumentsTests
{
    private static readonly EngineHostArguments Sample = new("/srv/reform data", 8123, "/cache/libchdb.so", "reform-engine-1", "reform");

    [Fact]
    public void What_the_store_writes_reads_back_the_same()
    {
        Assert.True(EngineHostArguments.TryParse(Sample.ToList(), out var parsed, out var error), error);
        Assert.Equal(Sample, parsed);
    }

    [Fact]
    public void A_cluster_node_s_command_line_reads_back_the_same()
    {
        var node = Sample with { TcpPort = 9000, ClusterConfig = "/srv/cluster/nodes/s1-r1/run/cluster.xml", Detached = true };

        Assert.True(EngineHostArguments.TryParse(node.ToList(), out var parsed, out var error), error);
        Assert.Equal(node, parsed);
        Assert.DoesNotContain("--tcp-port", Sample.ToList());
    }

    [Theory]
    [InlineData("--port", "x", "--port")]
    [InlineData("--tcp-port", "70000", "--tcp-port")]
    [InlineData("--detached", "oui", "--detached")]
    [InlineData("--port", "70000", "--port")]
    [InlineData("--database", null, "--database")]
    [InlineData("--verbose", "1", "--verbose")]
    public void A_wrong_command_line_is_refused_naming_the_option(string option, string? value, string named)
    {
        var arguments = Sample.ToList().ToList();
        var at = arguments.IndexOf(option);
        if (at < 0)
        {
            arguments.AddRange([option, value!]);
        }
        else if (value is null)
        {
            arguments.RemoveRange(at, 2);
        }
        else
        {
            arguments[at + 1] = value;
        }

        Assert.False(EngineHostArguments.TryParse(arguments, out _, out var error));
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reform_engine_started_by_hand_without_arguments_says_how_it_is_used_and_exits_2()
    {
        var result = await ReformProcess.RunAsync([], program: EngineHostCommand.Resolve(), timeout: TimeSpan.FromMinutes(1));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Thiếu --store", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(EngineHostArguments.Usage, result.StandardError, StringComparison.Ordinal);
    }
}
