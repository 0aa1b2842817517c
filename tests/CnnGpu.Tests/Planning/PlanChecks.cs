using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Planning;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Tests.Planning;

/// <summary>Checks a memory plan against lifetimes recomputed here, independently of the planner.</summary>
internal static class PlanChecks
{
    /// <summary>
    /// Inputs, constants and outputs are unplanned; every intermediate has an aligned slot of its
    /// size inside the arena; no two values live at the same time share a float unless a
    /// whitelisted node runs in place on its single-consumer first input; the byte totals add up.
    /// </summary>
    public static void AssertValid(ComputeGraph graph, IReadOnlyList<TensorShape> shapes, MemoryPlan plan, MemoryPlanOptions? options = null)
    {
        options ??= MemoryPlanOptions.Default;
        var lifetimes = Lifetimes(graph);
        var outputs = graph.Outputs.ToHashSet();
        long naive = 0;
        for (int id = 0; id < graph.Values.Length; id++)
        {
            bool intermediate = graph.Producers[id] >= 0 && !outputs.Contains(id);
            var slot = plan.SlotOf(id);
            if (!intermediate)
            {
                Assert.True(slot is null, $"{graph.Name}: '{graph.Values[id].Name}' is an input, constant or output but has a slot");
                continue;
            }

            Assert.True(slot is not null, $"{graph.Name}: intermediate '{graph.Values[id].Name}' has no slot");
            var s = slot.Value;
            Assert.Equal(shapes[id].ElementCount, s.Length);
            Assert.Equal(0, s.Offset % options.Alignment);
            Assert.InRange(s.Offset, 0, plan.ArenaLength);
            Assert.InRange(s.End, 0, plan.ArenaLength);
            Assert.Equal(lifetimes[id], plan.LifetimeOf(id));
            naive += s.Length * sizeof(float);
        }

        Assert.Equal(0, plan.ArenaLength % options.Alignment);
        Assert.Equal(plan.ArenaLength * sizeof(float), plan.PeakActivationBytes);
        Assert.Equal(naive, plan.NaiveActivationBytes);
        AssertInPlaceNodesAreSafe(graph, plan, options);
        AssertNoLiveOverlap(graph, plan, lifetimes);
    }

    /// <summary>The most floats live at any one node: no layout of this plan's slots can use a smaller arena.</summary>
    public static long LiveFloatsBound(ComputeGraph graph, MemoryPlan plan)
    {
        var planned = plan.PlannedValues.ToList();
        long bound = 0;
        for (int n = 0; n < graph.Nodes.Length; n++)
        {
            // In-place partners share a slot, so measure the union of the live slots, not their sum.
            var live = planned.Where(id => plan.LifetimeOf(id)!.Value.First <= n && n <= plan.LifetimeOf(id)!.Value.Last)
                .Select(id => plan.SlotOf(id)!.Value).OrderBy(s => s.Offset);
            long covered = 0, end = 0;
            foreach (var s in live)
            {
                covered += Math.Max(0, s.End - Math.Max(end, s.Offset));
                end = Math.Max(end, s.End);
            }

            bound = Math.Max(bound, covered);
        }

        return bound;
    }

    private static ValueLifetime?[] Lifetimes(ComputeGraph graph)
    {
        var lifetimes = new ValueLifetime?[graph.Values.Length];
        for (int n = 0; n < graph.Nodes.Length; n++)
        {
            lifetimes[graph.Nodes[n].Output] = new ValueLifetime(n, n);
        }

        for (int n = 0; n < graph.Nodes.Length; n++)
        {
            foreach (int id in graph.Nodes[n].Inputs.Where(id => lifetimes[id] is not null))
            {
                lifetimes[id] = lifetimes[id]!.Value with { Last = Math.Max(lifetimes[id]!.Value.Last, n) };
            }
        }

        foreach (int id in graph.Outputs)
        {
            lifetimes[id] = null;
        }

        return lifetimes;
    }

    private static void AssertInPlaceNodesAreSafe(ComputeGraph graph, MemoryPlan plan, MemoryPlanOptions options)
    {
        foreach (int n in plan.InPlace)
        {
            var node = graph.Nodes[n];
            int x = node.Inputs[0];
            Assert.Contains(node.Kind, options.InPlaceKinds);
            Assert.Equal(1, graph.Nodes.Sum(other => other.Inputs.Count(i => i == x)));
            Assert.NotNull(plan.SlotOf(x));
            Assert.NotNull(plan.SlotOf(node.Output));
            Assert.Equal(plan.SlotOf(x)!.Value.Offset, plan.SlotOf(node.Output)!.Value.Offset);
        }
    }

    private static void AssertNoLiveOverlap(ComputeGraph graph, MemoryPlan plan, ValueLifetime?[] lifetimes)
    {
        var planned = plan.PlannedValues.OrderBy(id => lifetimes[id]!.Value.First).ToArray();
        for (int i = 0; i < planned.Length; i++)
        {
            int a = planned[i];
            for (int j = i + 1; j < planned.Length && lifetimes[planned[j]]!.Value.First <= lifetimes[a]!.Value.Last; j++)
            {
                int b = planned[j];
                if (plan.SlotOf(a)!.Value.Intersects(plan.SlotOf(b)!.Value) && !InPlacePair(graph, plan, a, b))
                {
                    Assert.Fail($"{graph.Name}: '{graph.Values[a].Name}' {lifetimes[a]} {plan.SlotOf(a)} and '{graph.Values[b].Name}' " +
                        $"{lifetimes[b]} {plan.SlotOf(b)} are live together and share arena floats");
                }
            }
        }
    }

    /// <summary>Whether one value is the in-place output of the node reading the other as its first input.</summary>
    private static bool InPlacePair(ComputeGraph graph, MemoryPlan plan, int a, int b)
    {
        return Linked(a, b) || Linked(b, a);

        bool Linked(int input, int output)
        {
            int producer = graph.Producers[output];
            return plan.InPlace.Contains(producer) && graph.Nodes[producer].Inputs[0] == input;
        }
    }
}
