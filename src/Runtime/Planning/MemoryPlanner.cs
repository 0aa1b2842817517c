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
        if (shapes.Count != graph.Values.Length)
        {
            throw new ArgumentException($"Graph '{graph.Name}' has {graph.Values.Length} values but {shapes.Count} shapes were given.", nameof(shapes));
        }

        var steps = graph.Nodes.Select(n => new ScheduledStep(n.Inputs, n.Output, options.InPlaceKinds.Contains(n.Kind))).ToList();
        return Plan(new Schedule(steps, [.. shapes.Select(s => s.ElementCount)], graph.Outputs.ToHashSet()), options.Alignment);
    }

    /// <summary>Plans the values written by the steps of <paramref name="schedule"/>.</summary>
    /// <param name="schedule">Steps, storage lengths and the values kept outside the arena.</param>
    /// <param name="alignment">Every slot offset is a multiple of this many floats.</param>
    /// <exception cref="ArgumentOutOfRangeException">The alignment is below 1.</exception>
    public static MemoryPlan Plan(Schedule schedule, int alignment)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentOutOfRangeException.ThrowIfLessThan(alignment, 1);
        bool[] planned = PlannedValues(schedule);
        var lifetimes = Lifetimes(schedule, planned);
        var (storage, inPlace) = ShareInPlace(schedule, planned);

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

            long size = AlignUp(schedule.StorageLengths[id], alignment);
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
                slots[id] = new Slot(offsets[roots[storage[id]]], schedule.StorageLengths[id]);
            }
        }

        // An alias is a view from its offset in the root to the root's end (its images are strided through it).
        foreach (var (id, alias) in schedule.Aliases)
        {
            if (slots[alias.Root] is { } root)
            {
                slots[id] = new Slot(root.Offset + alias.Offset, root.Length - alias.Offset);
                lifetimes[id] = lifetimes[alias.Root];
            }
        }

        return new MemoryPlan(slots, lifetimes, arena, inPlace.ToFrozenSet(), alignment, [.. schedule.Aliases.Keys]);
    }

    /// <summary>Values written by a step (into their own storage, or an alias's root) that the caller does not receive: the arena's tenants.</summary>
    private static bool[] PlannedValues(Schedule schedule)
    {
        var planned = new bool[schedule.StorageLengths.Count];
        foreach (var step in schedule.Steps)
        {
            int owner = Owner(schedule, step.Output);
            planned[owner] = !schedule.External.Contains(owner);
        }

        return planned;
    }

    /// <summary>Each planned value's span, from the first step that writes it (or one of its aliases) to the last that reads it.</summary>
    private static ValueLifetime?[] Lifetimes(Schedule schedule, bool[] planned)
    {
        var lifetimes = new ValueLifetime?[planned.Length];
        void Touch(int id, int step)
        {
            var span = new ValueLifetime(step, step);
            lifetimes[id] = lifetimes[id] is { } known ? known.Union(span) : span;
        }

        for (int n = 0; n < schedule.Steps.Count; n++)
        {
            var step = schedule.Steps[n];
            foreach (int input in step.Inputs.Select(i => Owner(schedule, i)).Where(i => planned[i]))
            {
                Touch(input, n);
            }

            // A value nobody reads still needs storage while its producer writes it.
            if (Owner(schedule, step.Output) is int output && planned[output])
            {
                Touch(output, n);
            }
        }

        return lifetimes;
    }

    private static int Owner(Schedule schedule, int id) => schedule.Aliases.TryGetValue(id, out var alias) ? alias.Root : id;

    /// <summary>
    /// Maps each value to the value whose storage it uses (itself unless an in-place chain links
    /// it to an earlier one), and lists the nodes that run in place.
    /// </summary>
    private static (int[] Storage, HashSet<int> InPlace) ShareInPlace(Schedule schedule, bool[] planned)
    {
        var reads = new int[planned.Length];
        foreach (int input in schedule.Steps.SelectMany(s => s.Inputs))
        {
            reads[input]++;
        }

        int[] storage = Enumerable.Range(0, planned.Length).ToArray();
        var inPlace = new HashSet<int>();
        for (int n = 0; n < schedule.Steps.Count; n++)
        {
            var step = schedule.Steps[n];
            if (!step.MayRunInPlace || step.Inputs.IsEmpty || !planned[step.Output])
            {
                continue;
            }

            // Overwriting the input is safe only if nothing else (another step, or another operand
            // of this one) reads it afterwards, and only if the output fits exactly in its storage.
            int x = step.Inputs[0];
            if (planned[x] && reads[x] == 1 && schedule.StorageLengths[x] == schedule.StorageLengths[step.Output])
            {
                // Step order is topological, so x's own storage is already resolved to its root.
                storage[step.Output] = storage[x];
                inPlace.Add(n);
            }
        }

        return (storage, inPlace);
    }

    private static long AlignUp(long length, int alignment) => (length + alignment - 1) / alignment * alignment;
}
