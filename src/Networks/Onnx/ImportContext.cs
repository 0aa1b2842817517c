using CnnGpu.Networks.Onnx.Protos;
using CnnGpu.Runtime;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Networks.Onnx;

/// <summary>
/// State of one import: what each ONNX value name stands for (a graph value, a constant, or an
/// SE-gate view), who consumes it, and the <see cref="GraphBuilder"/> the converters append to.
/// </summary>
internal sealed class ImportContext
{
    private readonly Dictionary<string, Entry> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _consumers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _graphOutputs;
    private readonly HashSet<int> _folded = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _constantIds = new(StringComparer.Ordinal);
    private readonly GraphProto _graph;

    public ImportContext(string name, GraphProto graph)
    {
        _graph = graph;
        Builder = new GraphBuilder(name);
        _graphOutputs = new HashSet<string>(graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        for (int i = 0; i < graph.Node.Count; i++)
        {
            foreach (string input in graph.Node[i].Input.Where(n => n.Length > 0))
            {
                if (!_consumers.TryGetValue(input, out var list))
                {
                    _consumers[input] = list = [];
                }

                list.Add(i);
            }
        }
    }

    public GraphBuilder Builder { get; }

    /// <summary>Declares a graph input of one item's shape.</summary>
    public void DefineInput(string name, int[] itemDims) =>
        _values[name] = new Entry(Builder.Input(Reserve(name), itemDims), null, false);

    /// <summary>Declares a constant (initializer or Constant node output).</summary>
    public void DefineConstant(OnnxConstant constant) => _values[constant.Name] = new Entry(-1, constant, false);

    /// <summary>Whether node <paramref name="index"/> was absorbed into an earlier one (a bias folded into MatMul/Gemm/Conv).</summary>
    public bool IsFolded(int index) => _folded.Contains(index);

    /// <summary>Binds an ONNX output name to a graph value.</summary>
    public void Bind(string name, int id) => _values[name] = new Entry(id, null, false);

    /// <summary>
    /// Binds an ONNX output name to the 5-D view <c>[N, g, c, H, W]</c> (or, once transposed, <c>[N, c, g, H, W]</c>)
    /// of the <c>[N, g·c, H, W]</c> value <paramref name="id"/>: the first steps of an exported channel shuffle,
    /// which only Transpose and the Reshape back to 4-D may consume.
    /// </summary>
    public void BindShuffle(string name, int id, int groups, bool transposed) => _values[name] = new Entry(id, null, false, new ShuffleView(groups, transposed));

    /// <summary>The channel-shuffle view at input <paramref name="index"/>, or null when it is a plain value.</summary>
    public ShuffleView? Shuffle(OnnxNode node, int index) => Lookup(node, index, "data").Shuffle;

    /// <summary>The value a channel-shuffle view at input <paramref name="index"/> views.</summary>
    public int Viewed(OnnxNode node, int index) => Lookup(node, index, "data").Id;

    /// <summary>Binds an ONNX output name to a <c>[N, C, 1, 1]</c> view of the <c>[N, C]</c> value <paramref name="id"/>.</summary>
    public void BindGate(string name, int id) => _values[name] = new Entry(id, null, true);

    /// <summary>The graph value of input <paramref name="index"/>; a constant becomes a graph constant.</summary>
    public int Activation(OnnxNode node, int index, string role = "data")
    {
        var entry = Lookup(node, index, role);
        if (entry.IsGate)
        {
            throw node.Error($"input '{node.Proto.Input[index]}' is a [N, C] → [N, C, 1, 1] reshape of an SE gate; only Mul (channel scaling) can consume it.");
        }

        if (entry.Shuffle is not null)
        {
            throw node.Error($"input '{node.Proto.Input[index]}' is a 5-D [N, g, c, H, W] view of a 4-D tensor; only a channel shuffle (Transpose(0, 2, 1, 3, 4), then Reshape back to [N, g·c, H, W]) can consume it.");
        }

        return entry.Constant is { } constant ? ConstantId(node, constant) : entry.Id;
    }

    /// <summary>The SE gate (a <c>[N, C]</c> value or its <c>[N, C, 1, 1]</c> view) at input <paramref name="index"/>, or −1.</summary>
    public int Gate(OnnxNode node, int index)
    {
        var entry = Lookup(node, index, "data");
        return entry.Constant is null && entry.Shuffle is null && (entry.IsGate || Builder.ShapeOf(entry.Id) is { Rank: 4 } s && s[2] == 1 && s[3] == 1) ? entry.Id : -1;
    }

    /// <summary>The constant at input <paramref name="index"/>, or null when it is computed.</summary>
    public OnnxConstant? TryConstant(OnnxNode node, int index) =>
        node.HasInput(index) ? Lookup(node, index, "constant").Constant : null;

    /// <summary>The constant at input <paramref name="index"/>; a computed value is an error naming <paramref name="role"/>.</summary>
    public OnnxConstant Constant(OnnxNode node, int index, string role, bool floats = true)
    {
        var constant = TryConstant(node, index)
            ?? throw node.Error($"input {index} ({role}, '{node.Input(index, role)}') must be a constant initializer; computed {role} are not supported.");
        if (floats != (constant.Floats is not null))
        {
            throw node.Error($"input {index} ({role}, '{constant.Name}') must be a {(floats ? "float" : "integer")} tensor.");
        }

        return constant;
    }

    /// <summary>The ONNX shape of input <paramref name="index"/> for a batch of one.</summary>
    public long[] ShapeOf(OnnxNode node, int index)
    {
        var entry = Lookup(node, index, "data");
        if (entry.Constant is { } c)
        {
            return c.Dims;
        }

        var shape = Builder.ShapeOf(entry.Id);
        if (entry.Shuffle is { } view)
        {
            long g = view.Groups, perGroup = shape[1] / view.Groups;
            return view.Transposed ? [shape[0], perGroup, g, shape[2], shape[3]] : [shape[0], g, perGroup, shape[2], shape[3]];
        }

        return entry.IsGate ? [shape[0], shape[1], 1, 1] : [.. shape.Dimensions.Select(d => (long)d)];
    }

    /// <summary>The graph constant holding <paramref name="constant"/> (created once per ONNX name).</summary>
    public int ConstantId(OnnxNode node, OnnxConstant constant)
    {
        if (!_constantIds.TryGetValue(constant.Name, out int id))
        {
            if (constant.Floats is null)
            {
                throw node.Error($"integer tensor '{constant.Name}' cannot be used as data.");
            }

            id = Builder.Constant(Reserve(constant.Name), constant.ToTensor());
            _constantIds[constant.Name] = id;
        }

        return id;
    }

    /// <summary>A new graph constant named after <paramref name="node"/> (folded weights, affine parameters).</summary>
    public int NewConstant(OnnxNode node, string suffix, Tensor data) => Builder.Constant(Reserve($"{node.Name}.{suffix}"), data);

    /// <summary>Appends a graph node for <paramref name="node"/>; shape errors are reported against the ONNX node.</summary>
    public int Emit(OnnxNode node, OpKind kind, OpAttributes attributes, params int[] inputs) =>
        EmitNamed(node, node.Name, kind, attributes, inputs);

    /// <summary>Appends a helper node (named <c>node.suffix</c>) for <paramref name="node"/>.</summary>
    public int EmitPart(OnnxNode node, string suffix, OpKind kind, OpAttributes attributes, params int[] inputs) =>
        EmitNamed(node, $"{node.Name}.{suffix}", kind, attributes, inputs);

    /// <summary>
    /// Looks ahead for an <c>Add</c> of a per-channel constant that is the only consumer of
    /// <paramref name="output"/>; if found, returns the bias and the Add's output, and marks the Add as folded.
    /// </summary>
    public bool TryFoldBiasAdd(string output, int rank, int channels, out float[] bias, out string foldedOutput)
    {
        bias = [];
        foldedOutput = output;
        if (_graphOutputs.Contains(output) || !_consumers.TryGetValue(output, out var users) || users.Count != 1)
        {
            return false;
        }

        var add = _graph.Node[users[0]];
        if (add.OpType != "Add" || add.Domain is not ("" or OnnxImporter.DefaultDomain) || add.Input.Count != 2 || add.Output.Count != 1 || add.Input[0] == add.Input[1])
        {
            return false;
        }

        string other = add.Input[0] == output ? add.Input[1] : add.Input[0];
        if (!_values.TryGetValue(other, out var entry) || entry.Constant is not { Floats: not null } constant ||
            Broadcast.PerChannel(constant, rank, channels) is not { } perChannel)
        {
            return false;
        }

        _folded.Add(users[0]);
        bias = perChannel;
        foldedOutput = add.Output[0];
        return true;
    }

    /// <summary>Rejects a node whose secondary outputs (mask, indices, running statistics) are used.</summary>
    public void RequireUnused(OnnxNode node, int fromOutput, string what)
    {
        for (int i = fromOutput; i < node.Proto.Output.Count; i++)
        {
            string name = node.Proto.Output[i];
            if (name.Length > 0 && (_consumers.ContainsKey(name) || _graphOutputs.Contains(name)))
            {
                throw node.Error($"output {i} ('{name}', {what}) is used; CnnGpu computes only the first output of {node.OpType}.");
            }
        }
    }

    /// <summary>The graph value of ONNX graph output <paramref name="name"/>.</summary>
    public int GraphOutput(string name)
    {
        if (!_values.TryGetValue(name, out var entry))
        {
            throw new OnnxImportException($"Graph output '{name}' is not produced by any node.");
        }

        if (entry.Constant is not null || entry.IsGate || entry.Shuffle is not null)
        {
            throw new OnnxImportException($"Graph output '{name}' is a constant, a reshaped SE gate or a 5-D channel-shuffle view; CnnGpu returns only computed tensors.");
        }

        return entry.Id;
    }

    private int EmitNamed(OnnxNode node, string name, OpKind kind, OpAttributes attributes, int[] inputs)
    {
        try
        {
            return Builder.Add(Reserve(name), kind, attributes, inputs);
        }
        catch (CnnGpuException e) when (e is not OnnxImportException)
        {
            throw node.Error($"it does not fit its inputs: {e.Message}");
        }
    }

    private Entry Lookup(OnnxNode node, int index, string role)
    {
        string name = node.Input(index, role);
        return _values.TryGetValue(name, out var entry)
            ? entry
            : throw node.Error($"input {index} ('{name}') is not produced by an earlier node, a graph input or an initializer.");
    }

    private string Reserve(string name)
    {
        string candidate = name;
        for (int n = 2; !_names.Add(candidate); n++)
        {
            candidate = $"{name}_{n}";
        }

        return candidate;
    }

    private sealed record Entry(int Id, OnnxConstant? Constant, bool IsGate, ShuffleView? Shuffle = null);
}

/// <summary>A 5-D view of a 4-D value in the middle of an exported channel shuffle.</summary>
/// <param name="Groups">The g of <c>[N, g, c, H, W]</c>.</param>
/// <param name="Transposed">Whether the group and channel axes have been swapped (<c>[N, c, g, H, W]</c>).</param>
internal sealed record ShuffleView(int Groups, bool Transposed);
