using System.Collections.Frozen;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Runtime.Planning;

/// <summary>
/// Lays out a graph's intermediate activations in one arena: value lifetimes (producer to last
/// consumer, in node order), in-place reuse for whitelisted single-consumer ops, then offsets by
/// greedy-by-size best fit. The executor allocates one arena per batch size and views each value
/// at its slot.
/// </summary>
public static class MemoryPlanner
{
    /// <summary>Plans the intermediate values of <paramref name="graph"/> for the given shapes.</summary>
    /// <param name="graph">The graph; its node order is the execution order.</param>
    /// <param name="shapes">Every value's shape, indexed by value id (see <see cref="ShapeInference.Infer"/>).</param>
    /// <param name="options">In-place whitelist and alignment; <see cref="MemoryPlanOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentException"><paramref name="shapes"/> does not have one shape per value.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The alignment is below 1.</exception>
    public static MemoryPlan Plan(ComputeGraph graph, IReadOnlyList<TensorShape> shapes, MemoryPlanOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(shapes);
        options ??= MemoryPlanOptions.Default;
        ArgumentNullException.ThrowIfNull(options.InPlaceKinds, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Alignment, 1, nameof(options));
        if (shapes.Count != graph.Values.Length)
        {
            throw new ArgumentException($"Graph '{graph.Name}' has {graph.Values.Length} values but {shapes.Count} shapes were given.", nameof(shapes));
        }

        bool[] planned = PlannedValues(graph);
        var lifetimes = Lifetimes(graph, planned);
        var (storage, inPlace) = ShareInPlace(graph, shapes, planned, options.InPlaceKinds);

        // One buffer per storage root: the union of its members' lifetimes and their largest size.
        var roots = new Dictionary<int, int>();
        var bufferLifetimes = new List<ValueLifetime>();
        var bufferSizes = new List<long>();
        for (int id = 0; id < planned.Length; id++)
        {
            if (!planned[id])
            {
                continue;
            }

            long size = AlignUp(shapes[id].ElementCount, options.Alignment);
            if (roots.TryGetValue(storage[id], out int buffer))
            {
                bufferLifetimes[buffer] = bufferLifetimes[buffer].Union(lifetimes[id]!.Value);
                bufferSizes[buffer] = Math.Max(bufferSizes[buffer], size);
            }
            else
            {
                roots[storage[id]] = bufferLifetimes.Count;
                bufferLifetimes.Add(lifetimes[id]!.Value);
                bufferSizes.Add(size);
            }
        }

        var (offsets, arena) = GreedyBySizeLayout.Place(bufferLifetimes, bufferSizes);
        var slots = new Slot?[planned.Length];
        for (int id = 0; id < planned.Length; id++)
        {
            if (planned[id])
            {
                slots[id] = new Slot(offsets[roots[storage[id]]], shapes[id].ElementCount);
            }
        }

        return new MemoryPlan(slots, lifetimes, arena, inPlace.ToFrozenSet(), options.Alignment);
    }

    /// <summary>Values produced by a node that the caller does not receive: the arena's tenants.</summary>
    private static bool[] PlannedValues(ComputeGraph graph)
    {
        var planned = new bool[graph.Values.Length];
        foreach (var node in graph.Nodes)
        {
            planned[node.Output] = true;
        }

        foreach (int output in graph.Outputs)
        {
            planned[output] = false;
        }

        return planned;
    }

    private static ValueLifetime?[] Lifetimes(ComputeGraph graph, bool[] planned)
    {
        var lifetimes = new ValueLifetime?[planned.Length];
        for (int n = 0; n < graph.Nodes.Length; n++)
        {
            var node = graph.Nodes[n];
            foreach (int input in node.Inputs)
            {
                if (planned[input])
                {
                    lifetimes[input] = lifetimes[input]!.Value with { Last = n };
                }
            }

            if (planned[node.Output])
            {
                // A value nobody reads still needs storage while its producer writes it.
                lifetimes[node.Output] = new ValueLifetime(n, n);
            }
        }

        return lifetimes;
    }

    /// <summary>
    /// Maps each value to the value whose storage it uses (itself unless an in-place chain links
    /// it to an earlier one), and lists the nodes that run in place.
    /// </summary>
    private static (int[] Storage, HashSet<int> InPlace) ShareInPlace(ComputeGraph graph, IReadOnlyList<TensorShape> shapes, bool[] planned, IReadOnlySet<OpKind> kinds)
    {
        var reads = new int[planned.Length];
        foreach (int input in graph.Nodes.SelectMany(n => n.Inputs))
        {
            reads[input]++;
        }

        int[] storage = Enumerable.Range(0, planned.Length).ToArray();
        var inPlace = new HashSet<int>();
        for (int n = 0; n < graph.Nodes.Length; n++)
        {
            var node = graph.Nodes[n];
            if (!kinds.Contains(node.Kind) || node.Inputs.IsEmpty || !planned[node.Output])
            {
                continue;
            }

            // Overwriting the input is safe only if nothing else (another node, or another operand
            // of this one) reads it afterwards, and only if the output fits exactly in its storage.
            int x = node.Inputs[0];
            if (planned[x] && reads[x] == 1 && shapes[x].ElementCount == shapes[node.Output].ElementCount)
            {
                // Node order is topological, so x's own storage is already resolved to its root.
                storage[node.Output] = storage[x];
                inPlace.Add(n);
            }
        }

        return (storage, inPlace);
    }

    private static long AlignUp(long length, int alignment) => (length + alignment - 1) / alignment * alignment;
}
