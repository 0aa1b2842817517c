using CnnGpu.Runtime;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Networks.Features;

/// <summary>Joins two graphs into one, the first's output feeding the second's input, so that one session runs both.</summary>
public static class GraphChain
{
    /// <summary>
    /// <paramref name="first"/> then <paramref name="second"/>: one graph with the first's input and the second's
    /// outputs. The first's values and nodes are renamed <c>{prefix}{name}</c> so that names stay unique.
    /// </summary>
    /// <param name="first">A graph with one output (e.g. a preprocessing graph).</param>
    /// <param name="second">A graph with one input of the shape the first produces.</param>
    /// <param name="prefix">Prefix for the first graph's names.</param>
    /// <exception cref="CnnGpuException">The first has several outputs or the second several inputs.</exception>
    public static ComputeGraph Then(ComputeGraph first, ComputeGraph second, string prefix)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(prefix);
        if (first.Outputs.Length != 1 || second.Inputs.Length != 1)
        {
            throw new CnnGpuException(
                $"Chaining '{first.Name}' ({first.Outputs.Length} outputs) into '{second.Name}' ({second.Inputs.Length} inputs) needs exactly one of each.");
        }

        var values = first.Values.Select(v => v with { Name = prefix + v.Name }).ToList();
        var nodes = first.Nodes.Select(n => n with { Name = prefix + n.Name }).ToList();

        // The second's input becomes the first's output; its other values follow the first's, in order.
        int joined = second.Inputs[0].ValueId;
        var remap = new int[second.Values.Length];
        foreach (var value in second.Values)
        {
            if (value.Id == joined)
            {
                remap[value.Id] = first.Outputs[0];
                continue;
            }

            remap[value.Id] = values.Count;
            values.Add(value with { Id = values.Count });
        }

        nodes.AddRange(second.Nodes.Select(n => n with { Inputs = [.. n.Inputs.Select(i => remap[i])], Output = remap[n.Output] }));
        return new ComputeGraph(second.Name, values, nodes, first.Inputs, second.Outputs.Select(o => remap[o]));
    }
}
