using System.Globalization;
using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Planning;
using Xunit.Abstractions;

using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Planning;

/// <summary>The memory plan of every zoo network is valid, and small against the naive sum.</summary>
public sealed class ZooPlanTests(ITestOutputHelper output)
{
    /// <summary>Every network at its paper input with batch 1, and at a reduced input with batch 3.</summary>
    public static TheoryData<string, int?, int> Cases
    {
        get
        {
            var cases = new TheoryData<string, int?, int>();
            foreach (string network in NetworkZoo.Names)
            {
                cases.Add(network, null, 1);
                cases.Add(network, ZooCases.ReducedInput(network), 3);
            }

            return cases;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Plan_never_overlaps_live_values(string network, int? input, int batch)
    {
        var graph = Build(network, input);
        var shapes = ShapeInference.Infer(graph, batch);
        var plan = MemoryPlanner.Plan(graph, shapes);

        PlanChecks.AssertValid(graph, shapes, plan);
        long bound = PlanChecks.LiveFloatsBound(graph, plan);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{network} input {input?.ToString(CultureInfo.InvariantCulture) ?? "default"} batch {batch}: peak {plan.PeakActivationBytes} of naive {plan.NaiveActivationBytes} " +
            $"({100.0 * plan.PeakActivationBytes / plan.NaiveActivationBytes:0.0}%), arena {plan.ArenaLength} floats vs {bound} live at once, {plan.InPlace.Count} in place"));
        // Greedy best fit is not optimal, but fragmentation beyond a third would mean a broken strategy.
        Assert.True(plan.ArenaLength <= bound * 4 / 3, $"{network}: arena {plan.ArenaLength} floats, yet at most {bound} are live at once");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Plan_without_in_place_is_valid_too(string network, int? input, int batch)
    {
        var graph = Build(network, input);
        var shapes = ShapeInference.Infer(graph, batch);
        var options = new MemoryPlanOptions { InPlaceKinds = new HashSet<OpKind>() };
        var plan = MemoryPlanner.Plan(graph, shapes, options);

        Assert.Empty(plan.InPlace);
        PlanChecks.AssertValid(graph, shapes, plan, options);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ResNet50_batch_1_peak_is_at_most_a_quarter_of_the_naive_sum(bool afterPasses)
    {
        var graph = Build("resnet50", null);
        graph = afterPasses ? CnnGpu.Runtime.Passes.GraphOptimizer.Optimize(graph) : graph;
        var plan = MemoryPlanner.Plan(graph, ShapeInference.Infer(graph, 1));

        double ratio = (double)plan.PeakActivationBytes / plan.NaiveActivationBytes;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"resnet50: peak {plan.PeakActivationBytes} B of naive {plan.NaiveActivationBytes} B = {ratio:P1}"));
        Assert.True(ratio <= 0.25, $"peak/naive = {ratio:P1}");
    }

    [Fact]
    public void Plans_scale_with_the_batch()
    {
        var graph = Build("resnet18", 32);
        var one = MemoryPlanner.Plan(graph, ShapeInference.Infer(graph, 1));
        var three = MemoryPlanner.Plan(graph, ShapeInference.Infer(graph, 3));

        Assert.Equal(3 * one.NaiveActivationBytes, three.NaiveActivationBytes);
        Assert.True(three.PeakActivationBytes > one.PeakActivationBytes);
    }

    private static ComputeGraph Build(string network, int? input) =>
        NetworkZoo.Build(network, new NetworkOptions(input, Weights: WeightInitializer.ShapesOnly));
}
