using CnnGpu.Networks.Onnx.Protos;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Networks.Onnx.Export;

/// <summary>
/// State of one export: the ONNX name of every graph value (the graph's own names, made unique),
/// the ONNX nodes written so far, and the initializers the nodes read. The op writers append
/// through it; it keeps value names and node names unique in their separate ONNX namespaces.
/// </summary>
internal sealed class ExportContext
{
    private readonly ComputeGraph _graph;
    private readonly string[] _valueNames;
    private readonly HashSet<string> _usedValueNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _usedNodeNames = new(StringComparer.Ordinal);
    private readonly SortedSet<int> _constantsRead = [];
    private readonly Dictionary<string, TensorProto> _helperConstants = new(StringComparer.Ordinal);
    private readonly List<TensorProto> _helperOrder = [];

    /// <param name="graph">The graph being exported.</param>
    /// <param name="shapes">Every value's shape for a batch of one.</param>
    public ExportContext(ComputeGraph graph, TensorShape[] shapes)
    {
        _graph = graph;
        Shapes = shapes;

        // Every graph value is named before any helper value, so helpers never take a graph name.
        _valueNames = [.. graph.Values.Select(v => Reserve(_usedValueNames, v.Name.Length > 0 ? v.Name : $"value{v.Id}"))];
    }

    /// <summary>Every value's shape for a batch of one, indexed by value id.</summary>
    public TensorShape[] Shapes { get; }

    /// <summary>The ONNX nodes written so far, in topological order.</summary>
    public List<NodeProto> Nodes { get; } = [];

    /// <summary>The ONNX name of value <paramref name="id"/>; a constant read this way becomes an initializer.</summary>
    public string Value(int id)
    {
        if (_graph.Values[id].IsConstant)
        {
            _constantsRead.Add(id);
        }

        return _valueNames[id];
    }

    /// <summary>The ONNX names of <paramref name="node"/>'s inputs, in order.</summary>
    public string[] Inputs(Node node) => [.. node.Inputs.Select(Value)];

    /// <summary>A new value name derived from <paramref name="baseName"/> for an intermediate the graph does not have.</summary>
    public string NewValue(string baseName) => Reserve(_usedValueNames, baseName);

    /// <summary>An int64 initializer holding <paramref name="values"/> (written once however often it is read).</summary>
    public string Int64Constant(string baseName, long[] values) =>
        Helper($"{baseName}:{string.Join(",", values)}", () => OnnxProtos.Int64Tensor(NewValue(baseName), values));

    /// <summary>A scalar float initializer holding <paramref name="value"/> (written once however often it is read).</summary>
    public string FloatScalar(string baseName, float value) =>
        Helper($"{baseName}:{value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}", () => OnnxProtos.FloatScalar(NewValue(baseName), value));

    /// <summary>Appends <c>Clip(input, min, max)</c> writing <paramref name="output"/> (opset 13: the bounds are inputs).</summary>
    public void EmitClip(string name, string input, string output, float min, float max)
    {
        var bounds = new List<string> { input, float.IsNegativeInfinity(min) ? string.Empty : FloatScalar("clip_min", min) };
        if (!float.IsPositiveInfinity(max))
        {
            bounds.Add(FloatScalar("clip_max", max));
        }

        Emit("Clip", name, bounds, output);
    }

    /// <summary>Appends an ONNX node; <paramref name="name"/> is made unique among node names.</summary>
    public void Emit(string opType, string name, IEnumerable<string> inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = Reserve(_usedNodeNames, name) };
        node.Input.Add(inputs);
        node.Output.Add(output);
        node.Attribute.Add(attributes);
        Nodes.Add(node);
    }

    /// <summary>
    /// Appends <paramref name="opType"/> for <paramref name="node"/>, followed by a <c>Relu</c> (or a <c>Clip</c>
    /// to [0, 6]) when the node carries a fused ReLU (ReLU6) epilogue (ONNX has no fused form); the last ONNX node writes the node's output.
    /// </summary>
    public void EmitWithActivation(Node node, FusedActivation activation, string opType, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        string output = Value(node.Output);
        switch (activation)
        {
            case FusedActivation.None:
                Emit(opType, node.Name, inputs, output, attributes);
                break;
            case FusedActivation.Relu:
                string linear = NewValue($"{output}.pre_relu");
                Emit(opType, node.Name, inputs, linear, attributes);
                Emit("Relu", $"{node.Name}.relu", [linear], output);
                break;
            case FusedActivation.Relu6:
                string unclipped = NewValue($"{output}.pre_relu6");
                Emit(opType, node.Name, inputs, unclipped, attributes);
                EmitClip($"{node.Name}.relu6", unclipped, output, 0f, 6f);
                break;
            default:
                throw Error(node, $"the fused activation {activation} has no ONNX mapping.");
        }
    }

    /// <summary>An export error about <paramref name="node"/>.</summary>
    public OnnxExportException Error(Node node, string problem) =>
        new($"Graph '{_graph.Name}': cannot export node '{node.Name}' (op {node.Kind}) to ONNX: {problem}", node);

    /// <summary>The initializers: every graph constant a node read (in value order), then the helper constants.</summary>
    public IEnumerable<TensorProto> Initializers() =>
        _constantsRead.Select(id => OnnxProtos.FloatTensor(_valueNames[id], _graph.Values[id].Constant!))
            .Concat(_helperOrder);

    private string Helper(string key, Func<TensorProto> make)
    {
        if (!_helperConstants.TryGetValue(key, out var tensor))
        {
            tensor = make();
            _helperConstants[key] = tensor;
            _helperOrder.Add(tensor);
        }

        return tensor.Name;
    }

    private static string Reserve(HashSet<string> used, string name)
    {
        string candidate = name;
        for (int n = 2; !used.Add(candidate); n++)
        {
            candidate = $"{name}_{n}";
        }

        return candidate;
    }
}
