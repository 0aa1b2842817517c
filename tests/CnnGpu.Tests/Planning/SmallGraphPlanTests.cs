using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Planning;

namespace CnnGpu.Tests.Planning;

/// <summary>Hand-built graphs whose optimal plan is known.</summary>
public sealed class SmallGraphPlanTests
{
    private static readonly MemoryPlanOptions NoInPlace = new() { InPlaceKinds = new HashSet<OpKind>() };

    [Fact]
    public void A_chain_alternates_between_two_slots()
    {
        var (graph, ids) = Chain(64);

        var plan = Plan(graph, NoInPlace);

        Assert.Equal(2 * 64, plan.ArenaLength);
        Assert.Equal(4 * 64 * sizeof(float), plan.NaiveActivationBytes);
        Assert.Equal(plan.SlotOf(ids[0]), plan.SlotOf(ids[2]));
        Assert.Equal(plan.SlotOf(ids[1]), plan.SlotOf(ids[3]));
        Assert.NotEqual(plan.SlotOf(ids[0]), plan.SlotOf(ids[1]));
    }

    [Fact]
    public void A_chain_of_in_place_ops_uses_one_slot()
    {
        var (graph, ids) = Chain(64);

        var plan = Plan(graph);

        Assert.Equal(64, plan.ArenaLength);
        Assert.All(ids, id => Assert.Equal(new Slot(0, 64), plan.SlotOf(id)));
        // Node 0 reads the graph input and node 4 writes the graph output: neither may be aliased.
        Assert.Equal([1, 2, 3], plan.InPlace.Order());
    }

    [Theory]
    [InlineData(64, 256)]
    [InlineData(1, 200)]
    [InlineData(7, 210)]
    public void Slots_are_aligned(int alignment, long arena)
    {
        var (graph, _) = Chain(100);

        var plan = Plan(graph, NoInPlace with { Alignment = alignment });

        Assert.Equal(arena, plan.ArenaLength);
        Assert.All(plan.PlannedValues, id => Assert.Equal(0, plan.SlotOf(id)!.Value.Offset % alignment));
    }

    [Fact]
    public void A_diamond_needs_three_slots_and_reuses_the_first_after_it_dies()
    {
        var b = new GraphBuilder("diamond");
        int x = b.Input("x", 64);
        int a = b.Relu("a", x);
        int left = b.Relu("left", a);
        int right = b.Sigmoid("right", a);
        int sum = b.Sum("sum", left, right);
        b.Output(b.Relu("out", sum));
        var graph = b.Build();

        var plan = Plan(graph, NoInPlace);
        var withInPlace = Plan(graph);

        Assert.Equal(3 * 64, plan.ArenaLength);
        Assert.Equal(plan.SlotOf(a), plan.SlotOf(sum));
        // a feeds two nodes, so neither branch may overwrite it; the sum may overwrite its left operand.
        Assert.Equal(3 * 64, withInPlace.ArenaLength);
        Assert.Equal([3], withInPlace.InPlace);
        Assert.Equal(withInPlace.SlotOf(left), withInPlace.SlotOf(sum));
    }

    [Fact]
    public void A_concat_keeps_all_its_inputs_alive()
    {
        var b = new GraphBuilder("concat");
        int x = b.Input("x", 16, 2, 2);
        int[] branches = [b.Relu("a", x), b.Sigmoid("b", x), b.Relu("c", x)];
        int cat = b.Concat("cat", branches);
        b.Output(b.Relu("out", cat));
        var graph = b.Build();

        var plan = Plan(graph);

        Assert.Equal(6 * 64, plan.ArenaLength);
        int[] all = [.. branches, cat];
        Assert.All(all, p => Assert.All(all.Where(q => q != p), q => Assert.False(plan.SlotOf(p)!.Value.Intersects(plan.SlotOf(q)!.Value))));
    }

    [Fact]
    public void Relu_after_a_single_consumer_conv_shares_its_slot()
    {
        var b = new GraphBuilder("conv-relu", WeightInitializer.ShapesOnly);
        int x = b.Input("x", 3, 8, 8);
        int conv = b.Conv2d("conv", x, 4, Conv2dAttrs.Square(3, pad: 1));
        int relu = b.Relu("relu", conv);
        b.Output(b.GlobalAvgPool("gap", relu));
        var graph = b.Build();

        var plan = Plan(graph);

        Assert.Equal([1], plan.InPlace);
        Assert.Equal(plan.SlotOf(conv), plan.SlotOf(relu));
        Assert.Equal(4 * 8 * 8, plan.ArenaLength);
        Assert.Equal(2 * 4 * 8 * 8 * sizeof(float), plan.NaiveActivationBytes);
    }

    [Fact]
    public void In_place_is_refused_when_the_input_has_two_consumers()
    {
        var b = new GraphBuilder("residual", WeightInitializer.ShapesOnly);
        int x = b.Input("x", 3, 8, 8);
        int conv = b.Conv2d("conv", x, 4, Conv2dAttrs.Square(3, pad: 1));
        int relu = b.Relu("relu", conv);
        int sum = b.Sum("add", relu, conv);
        int relu2 = b.Relu("relu2", sum);
        b.Output(b.GlobalAvgPool("gap", relu2));
        var graph = b.Build();

        var plan = Plan(graph);

        Assert.DoesNotContain(1, plan.InPlace);
        Assert.False(plan.SlotOf(conv)!.Value.Intersects(plan.SlotOf(relu)!.Value));
        Assert.Equal([2, 3], plan.InPlace.Order());
        Assert.Equal(plan.SlotOf(relu), plan.SlotOf(relu2));
    }

    [Fact]
    public void A_value_read_twice_by_one_node_is_not_overwritten()
    {
        var b = new GraphBuilder("square");
        int x = b.Input("x", 64);
        int a = b.Relu("a", x);
        int twice = b.Sum("twice", a, a);
        b.Output(b.Relu("out", twice));
        var graph = b.Build();

        var plan = Plan(graph);

        Assert.Empty(plan.InPlace);
        Assert.False(plan.SlotOf(a)!.Value.Intersects(plan.SlotOf(twice)!.Value));
    }

    [Fact]
    public void Inputs_and_outputs_are_never_planned()
    {
        var b = new GraphBuilder("direct");
        int x = b.Input("x", 64);
        int y = b.Relu("y", x);
        b.Output(y);
        var graph = b.Build();

        var plan = Plan(graph);

        Assert.Null(plan.SlotOf(x));
        Assert.Null(plan.SlotOf(y));
        Assert.Empty(plan.InPlace);
        Assert.Equal(0, plan.ArenaLength);
        Assert.Equal(0, plan.NaiveActivationBytes);
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        var (graph, _) = Chain(64);
        var shapes = ShapeInference.Infer(graph, 1);

        Assert.Throws<ArgumentOutOfRangeException>(() => MemoryPlanner.Plan(graph, shapes, new MemoryPlanOptions { Alignment = 0 }));
        Assert.Throws<ArgumentException>(() => MemoryPlanner.Plan(graph, shapes.Take(2).ToArray()));
        var plan = MemoryPlanner.Plan(graph, shapes);
        Assert.Throws<ArgumentOutOfRangeException>(() => plan.SlotOf(graph.Values.Length));
        Assert.Throws<ArgumentOutOfRangeException>(() => plan.LifetimeOf(-1));
    }

    /// <summary>x → a → b → c → d → out, alternating ReLU and sigmoid; returns the ids of a..d.</summary>
    private static (ComputeGraph Graph, int[] Intermediates) Chain(int features)
    {
        var b = new GraphBuilder("chain");
        int x = b.Input("x", features);
        int a = b.Relu("a", x);
        int bb = b.Sigmoid("b", a);
        int c = b.Relu("c", bb);
        int d = b.Sigmoid("d", c);
        b.Output(b.Relu("out", d));
        return (b.Build(), [a, bb, c, d]);
    }

    private static MemoryPlan Plan(ComputeGraph graph, MemoryPlanOptions? options = null)
    {
        var shapes = ShapeInference.Infer(graph, 1);
        var plan = MemoryPlanner.Plan(graph, shapes, options);
        PlanChecks.AssertValid(graph, shapes, plan, options);
        return plan;
    }
}
