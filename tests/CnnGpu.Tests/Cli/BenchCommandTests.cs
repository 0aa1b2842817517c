using CnnGpu.Cli.Commands;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Cli;

public sealed class BenchCommandTests
{
    [Fact]
    public void Bench_reports_latency_throughput_and_a_per_node_profile()
    {
        var (console, writer) = TestConsoles.Create(160);
        var settings = new BenchSettings(["tinynet"], "reference", Batch: 2, Input: null, Iterations: 3, MinSeconds: 0, Profile: true);
        Assert.Equal(0, BenchCommand.Run(console, settings));
        string text = writer.ToString();
        Assert.Contains("tinynet", text, StringComparison.Ordinal);
        Assert.Contains("img/s", text, StringComparison.Ordinal);
        Assert.Contains("per-node profile", text, StringComparison.Ordinal);
        Assert.Contains("stem.conv", text, StringComparison.Ordinal);   // a node of the optimised graph
        Assert.Contains("res.add", text, StringComparison.Ordinal);
        Assert.DoesNotContain("stem.bn", text, StringComparison.Ordinal);  // folded away by the passes
    }

    [Fact]
    public void Unknown_backend_is_a_one_line_error()
    {
        var (console, _) = TestConsoles.Create(160);
        var error = new StringWriter();
        Assert.Equal(2, BenchCommand.Run(console, new BenchSettings(["tinynet"], "tpu", 1, null, 1, 0, false), error));

        Assert.Single(error.ToString().TrimEnd().Split('\n'));
        Assert.Contains("'tpu'", error.ToString(), StringComparison.Ordinal);
    }
}
