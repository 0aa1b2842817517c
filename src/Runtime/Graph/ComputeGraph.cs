using System.Collections.Immutable;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Runtime.Graph;

/// <summary>A graph input: its value id and the shape of one batch item (no batch dimension).</summary>
/// <param name="ValueId">The value fed by the caller.</param>
/// <param name="ItemShape">Shape of one item, e.g. <c>[3, 224, 224]</c>.</param>
public sealed record GraphInput(int ValueId, TensorShape ItemShape);

/// <summary>
/// A backend-independent network: values and nodes in topological order. Immutable; build one
/// with <see cref="GraphBuilder"/>.
/// </summary>
public sealed class ComputeGraph
{
    /// <summary>Creates and validates a graph.</summary>
    /// <param name="name">Network name.</param>
    /// <param name="values">Every value, indexed by id.</param>
    /// <param name="nodes">Nodes in topological order.</param>
    /// <param name="inputs">Graph inputs.</param>
    /// <param name="outputs">Value ids returned to the caller.</param>
    /// <exception cref="CnnGpuException">The graph is not well formed (message names the node).</exception>
    public ComputeGraph(string name, IEnumerable<Value> values, IEnumerable<Node> nodes, IEnumerable<GraphInput> inputs, IEnumerable<int> outputs)
    {
        Name = name;
        Values = [.. values];
        Nodes = [.. nodes];
        Inputs = [.. inputs];
        Outputs = [.. outputs];
        Producers = Validate();
    }

    /// <summary>Network name.</summary>
    public string Name { get; }

    /// <summary>Every value, indexed by id.</summary>
    public ImmutableArray<Value> Values { get; }

    /// <summary>Nodes in topological order.</summary>
    public ImmutableArray<Node> Nodes { get; }

    /// <summary>Graph inputs.</summary>
    public ImmutableArray<GraphInput> Inputs { get; }

    /// <summary>Value ids returned to the caller.</summary>
    public ImmutableArray<int> Outputs { get; }

    /// <summary>For each value id, the index of the node producing it, or −1 for inputs and constants.</summary>
    public ImmutableArray<int> Producers { get; }

    /// <summary>All constants (parameters) with their names.</summary>
    public IEnumerable<Value> Parameters => Values.Where(v => v.IsConstant);

    /// <summary>Finds a value by name.</summary>
    /// <param name="name">The value's name.</param>
    /// <exception cref="KeyNotFoundException">No such value.</exception>
    public Value GetValue(string name) =>
        Values.FirstOrDefault(v => v.Name == name) ?? throw new KeyNotFoundException($"Graph '{Name}' has no value named '{name}'.");

    /// <summary>
    /// A copy of this graph whose parameters are replaced by name (trained weights, an ONNX
    /// file's initializers). Every replacement must name an existing parameter and keep its shape.
    /// </summary>
    /// <param name="parameters">New values by parameter name.</param>
    /// <param name="requireAll">Also require that every parameter of the graph is replaced.</param>
    /// <exception cref="ShapeMismatchException">A replacement's shape differs (names the parameter and both shapes).</exception>
    /// <exception cref="CnnGpuException">A name is unknown, or (with <paramref name="requireAll"/>) a parameter is missing.</exception>
    public ComputeGraph WithParameters(IReadOnlyDictionary<string, Tensor> parameters, bool requireAll = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var byName = Values.Where(v => v.IsConstant).ToDictionary(v => v.Name, StringComparer.Ordinal);
        foreach (var (name, tensor) in parameters)
        {
            if (!byName.TryGetValue(name, out var value))
            {
                throw new CnnGpuException($"Graph '{Name}' has no parameter named '{name}'.");
            }

            if (!value.Constant!.Shape.Equals(tensor.Shape))
            {
                throw new ShapeMismatchException($"Parameter '{name}' of graph '{Name}' has shape {value.Constant.Shape}; the replacement has {tensor.Shape}.");
            }
        }

        if (requireAll)
        {
            var missing = byName.Keys.Where(k => !parameters.ContainsKey(k)).ToList();
            if (missing.Count > 0)
            {
                throw new CnnGpuException($"Graph '{Name}': no value given for {missing.Count} parameter(s), e.g. '{missing[0]}'.");
            }
        }

        var values = Values.Select(v => v.IsConstant && parameters.TryGetValue(v.Name, out var t) ? v with { Constant = t } : v);
        return new ComputeGraph(Name, values, Nodes, Inputs, Outputs);
    }

    private ImmutableArray<int> Validate()
    {
        for (int i = 0; i < Values.Length; i++)
        {
            if (Values[i].Id != i)
            {
                throw new CnnGpuException($"Graph '{Name}': value '{Values[i].Name}' has id {Values[i].Id} at position {i}.");
            }
        }

        var producers = Enumerable.Repeat(-1, Values.Length).ToArray();
        var defined = new bool[Values.Length];
        foreach (var v in Values.Where(v => v.IsConstant))
        {
            defined[v.Id] = true;
        }

        foreach (var input in Inputs)
        {
            CheckId(input.ValueId, "graph input");
            if (defined[input.ValueId])
            {
                throw new CnnGpuException($"Graph '{Name}': input '{Values[input.ValueId].Name}' is also a constant.");
            }

            defined[input.ValueId] = true;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int n = 0; n < Nodes.Length; n++)
        {
            var node = Nodes[n];
            if (!names.Add(node.Name))
            {
                throw new CnnGpuException($"Graph '{Name}': two nodes are named '{node.Name}'.");
            }

            foreach (int id in node.Inputs)
            {
                CheckId(id, $"input of {node}");
                if (!defined[id])
                {
                    throw new CnnGpuException($"Graph '{Name}': {node} reads '{Values[id].Name}' before any node produces it.");
                }
            }

            CheckId(node.Output, $"output of {node}");
            if (defined[node.Output])
            {
                throw new CnnGpuException($"Graph '{Name}': {node} writes '{Values[node.Output].Name}', which already has a producer.");
            }

            defined[node.Output] = true;
            producers[node.Output] = n;
        }

        foreach (int id in Outputs)
        {
            CheckId(id, "graph output");
            if (!defined[id])
            {
                throw new CnnGpuException($"Graph '{Name}': output '{Values[id].Name}' is never produced.");
            }
        }

        return [.. producers];
    }

    private void CheckId(int id, string what)
    {
        if (id < 0 || id >= Values.Length)
        {
            throw new CnnGpuException($"Graph '{Name}': {what} refers to value id {id}, outside 0..{Values.Length - 1}.");
        }
    }
}
