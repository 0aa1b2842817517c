using System.Globalization;
using System.Text.Json;
using CnnGpu.Cli.Commands;
using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Planning;
using CnnGpu.Tests.Support;
using Spectre.Console;

namespace CnnGpu.Tests.Cli;

/// <summary><c>cnngpu summary &lt;net&gt; --plan [--json]</c> reports the batch-1 memory plan.</summary>
public sealed class SummaryPlanTests
{
    [Fact]
    public void Table_ends_with_the_plan_line()
    {
        var plan = PlanOf("resnet50");
        var (console, writer) = TestConsoles.Create(120);

        Assert.Equal(0, SummaryCommand.Run(console, "resnet50", null, false, json: false, list: false, plan: true));

        string expected = string.Create(CultureInfo.InvariantCulture,
            $"plan (after graph passes): peak {plan.PeakActivationBytes / 1048576.0:0.0} MB of naive {plan.NaiveActivationBytes / 1048576.0:0.0} MB " +
            $"({100.0 * plan.PeakActivationBytes / plan.NaiveActivationBytes:0.0}%)");
        Assert.Equal(expected, writer.ToString().TrimEnd().Split('\n')[^1].TrimEnd('\r'));
    }

    [Fact]
    public void Table_has_no_plan_line_without_the_flag()
    {
        var (console, writer) = TestConsoles.Create(120);

        Assert.Equal(0, SummaryCommand.Run(console, "resnet18", null, false, json: false, list: false));

        Assert.DoesNotContain("plan:", writer.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_has_the_plan_after_the_totals()
    {
        var plan = PlanOf("se-resnet50");
        var (console, writer) = TestConsoles.Create(120);

        Assert.Equal(0, SummaryCommand.Run(console, "se-resnet50", null, false, json: true, list: false, plan: true));

        using var doc = JsonDocument.Parse(writer.ToString());
        var root = doc.RootElement;
        Assert.Equal(["network", "input", "layers", "totals", "plan"], root.EnumerateObject().Select(p => p.Name));
        var json = root.GetProperty("plan");
        Assert.Equal(plan.PeakActivationBytes, json.GetProperty("peakActivationBytes").GetInt64());
        Assert.Equal(plan.NaiveActivationBytes, json.GetProperty("naiveActivationBytes").GetInt64());
        Assert.True(plan.PeakActivationBytes < plan.NaiveActivationBytes);
    }

    [Fact]
    public void Json_has_no_plan_without_the_flag()
    {
        var (console, writer) = TestConsoles.Create(120);

        Assert.Equal(0, SummaryCommand.Run(console, "resnet18", null, false, json: true, list: false));

        using var doc = JsonDocument.Parse(writer.ToString());
        Assert.False(doc.RootElement.TryGetProperty("plan", out _));
    }

    private static MemoryPlan PlanOf(string network) =>
        SummaryCommand.PlanAsExecuted(NetworkZoo.Build(network, new NetworkOptions(Weights: WeightInitializer.ShapesOnly)));
}
