using System.Collections.Immutable;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Runtime.Passes;

/// <summary>
/// A mutable working copy of a graph for passes: replace or remove nodes, redirect a value's
/// readers, add constants; <see cref="Build"/> drops values nothing refers to and renumbers ids.
/// </summary>
internal sealed class GraphEditor
{
    private readonly ComputeGraph _source;
    private readonly List<Value> _values;
    private readonly List<Node?> _nodes;
    private readonly List<int> _outputs;

    public GraphEditor(ComputeGraph graph)
    {
        _source = graph;
        _values = [.. graph.Values];
        _nodes = [.. graph.Nodes];
        _outputs = [.. graph.Outputs];
    }

    public IReadOnlyList<Node?> Nodes => _nodes;

    public Value Value(int id) => _values[id];

    public bool IsGraphOutput(int valueId) => _outputs.Contains(valueId);

    /// <summary>Indices of live nodes that read <paramref name="valueId"/>.</summary>
    public List<int> ConsumersOf(int valueId) =>
        [.. Enumerable.Range(0, _nodes.Count).Where(i => _nodes[i] is { } n && n.Inputs.Contains(valueId))];

    /// <summary>The index of the live node producing <paramref name="valueId"/>, or −1.</summary>
    public int ProducerOf(int valueId) => _nodes.FindIndex(n => n is not null && n.Output == valueId);

    public void Replace(int index, Node node) => _nodes[index] = node;

    public void Remove(int index) => _nodes[index] = null;

    /// <summary>Makes every node (and the graph outputs) that read <paramref name="from"/> read <paramref name="to"/>.</summary>
    public void Redirect(int from, int to)
    {
        for (int i = 0; i < _nodes.Count; i++)
        {
            if (_nodes[i] is { } n && n.Inputs.Contains(from))
            {
                _nodes[i] = n with { Inputs = [.. n.Inputs.Select(id => id == from ? to : id)] };
            }
        }

        for (int i = 0; i < _outputs.Count; i++)
        {
            _outputs[i] = _outputs[i] == from ? to : _outputs[i];
        }
    }

    public int AddConstant(string name, Tensor data)
    {
        string unique = name;
        for (int k = 2; _values.Any(v => v.Name == unique); k++)
        {
            unique = $"{name}.{k}";
        }

        _values.Add(new Value(_values.Count, unique, data));
        return _values.Count - 1;
    }

    public void SetConstant(int valueId, Tensor data) => _values[valueId] = _values[valueId] with { Constant = data };

    /// <summary>The edited graph, with unreferenced values dropped and ids renumbered densely.</summary>
    public ComputeGraph Build()
    {
        var live = _nodes.OfType<Node>().ToList();
        var used = new HashSet<int>(_source.Inputs.Select(i => i.ValueId));
        used.UnionWith(_outputs);
        foreach (var n in live)
        {
            used.UnionWith(n.Inputs);
            used.Add(n.Output);
        }

        var remap = new Dictionary<int, int>();
        var values = new List<Value>();
        foreach (var v in _values.Where(v => used.Contains(v.Id)))
        {
            remap[v.Id] = values.Count;
            values.Add(v with { Id = values.Count });
        }

        var nodes = live.Select(n => n with { Inputs = [.. n.Inputs.Select(id => remap[id])], Output = remap[n.Output] });
        var inputs = _source.Inputs.Select(i => i with { ValueId = remap[i.ValueId] });
        return new ComputeGraph(_source.Name, values, nodes, inputs, _outputs.Select(id => remap[id]).ToImmutableArray());
    }
}
