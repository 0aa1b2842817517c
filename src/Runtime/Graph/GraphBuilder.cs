using CnnGpu.Runtime.Planning;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Runtime.Graph;

/// <summary>
/// Builds a <see cref="ComputeGraph"/> layer by layer, inferring shapes as it goes (so errors
/// surface at the layer that causes them) and creating named parameters
/// (<c>conv1.weight</c>, <c>bn1.running_mean</c>, …) from a <see cref="WeightInitializer"/>.
/// Values are referred to by the integer ids the methods return.
/// </summary>
/// <param name="name">Network name.</param>
/// <param name="weights">Parameter initialiser; a default-seeded one when null.</param>
public sealed class GraphBuilder(string name, WeightInitializer? weights = null)
{
    private readonly List<Value> _values = [];
    private readonly List<TensorShape> _shapes = [];
    private readonly List<Node> _nodes = [];
    private readonly List<GraphInput> _inputs = [];
    private readonly List<int> _outputs = [];
    private readonly WeightInitializer _weights = weights ?? new WeightInitializer();
    private string? _block;

    /// <summary>
    /// Tags every node added until the returned scope is disposed with <paramref name="block"/>
    /// (the paper-table row: <c>conv1</c>, <c>conv3_x</c>, <c>inception4a</c>). Scopes nest; the innermost wins.
    /// </summary>
    /// <param name="block">Block name.</param>
    public IDisposable Block(string block)
    {
        var scope = new BlockScope(this, _block);
        _block = block;
        return scope;
    }

    /// <summary>Shape of value <paramref name="id"/> for a batch of one.</summary>
    /// <param name="id">A value id.</param>
    public TensorShape ShapeOf(int id) => _shapes[id];

    /// <summary>Channel count (dimension 1) of value <paramref name="id"/>.</summary>
    /// <param name="id">A value id.</param>
    public int ChannelsOf(int id) => _shapes[id][1];

    /// <summary>Declares a graph input of one item's shape (no batch dimension).</summary>
    /// <param name="inputName">Input name.</param>
    /// <param name="itemDimensions">E.g. 3, 224, 224.</param>
    public int Input(string inputName, params int[] itemDimensions)
    {
        var itemShape = new TensorShape(itemDimensions);
        int id = AddValue(inputName, null, new TensorShape([1, .. itemDimensions]));
        _inputs.Add(new GraphInput(id, itemShape));
        return id;
    }

    /// <summary>Adds a constant (parameter) value.</summary>
    /// <param name="constantName">Unique name.</param>
    /// <param name="data">Its data.</param>
    public int Constant(string constantName, Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return AddValue(constantName, data, data.Shape);
    }

    /// <summary>Adds a node whose inputs already exist; its output is named after the node.</summary>
    /// <param name="nodeName">Unique node name.</param>
    /// <param name="kind">The op.</param>
    /// <param name="attributes">Its attribute record.</param>
    /// <param name="inputs">Input value ids.</param>
    /// <returns>The output value id.</returns>
    public int Add(string nodeName, OpKind kind, OpAttributes attributes, params int[] inputs)
    {
        int output = _values.Count;
        var node = new Node(nodeName, kind, attributes, [.. inputs], output, _block);
        var shape = ShapeInference.InferOutput(node, [.. inputs.Select(i => _shapes[i])]);
        AddValue(nodeName, null, shape);
        _nodes.Add(node);
        return output;
    }

    /// <summary>Marks a value as a graph output.</summary>
    /// <param name="id">The value.</param>
    public void Output(int id) => _outputs.Add(id);

    /// <summary>Convolution with He-initialised weights (and a zero-mean small bias when <paramref name="bias"/>).</summary>
    /// <param name="layer">Layer name.</param>
    /// <param name="x">Input value.</param>
    /// <param name="filters">Output channels.</param>
    /// <param name="attrs">Kernel, stride, pads, dilation, groups.</param>
    /// <param name="bias">Whether the layer has a bias.</param>
    public int Conv2d(string layer, int x, int filters, Conv2dAttrs attrs, bool bias = true)
    {
        ArgumentNullException.ThrowIfNull(attrs);
        int inPerGroup = ChannelsOf(x) / attrs.Groups;
        int fanIn = inPerGroup * attrs.KernelH * attrs.KernelW;
        int w = Constant($"{layer}.weight", _weights.HeNormal($"{layer}.weight", new TensorShape(filters, inPerGroup, attrs.KernelH, attrs.KernelW), fanIn));
        return bias
            ? Add(layer, OpKind.Conv2d, attrs, x, w, Constant($"{layer}.bias", _weights.Uniform($"{layer}.bias", filters, -0.1f, 0.1f)))
            : Add(layer, OpKind.Conv2d, attrs, x, w);
    }

    /// <summary>Inference batch norm with non-trivial γ, β and running statistics.</summary>
    /// <param name="layer">Layer name.</param>
    /// <param name="x">Input value.</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="gammaScale">Scales the γ range [0.5, 1.5]. Residual branches end with a small γ (as in
    /// zero-init-residual practice) so that deep random networks stay well-conditioned instead of chaotic.</param>
    public int BatchNorm(string layer, int x, float epsilon = 1e-5f, float gammaScale = 1f)
    {
        int c = ChannelsOf(x);
        int scale = Constant($"{layer}.weight", _weights.Uniform($"{layer}.weight", c, 0.5f * gammaScale, 1.5f * gammaScale));
        int shift = Constant($"{layer}.bias", _weights.Uniform($"{layer}.bias", c, -0.2f, 0.2f));
        int mean = Constant($"{layer}.running_mean", _weights.Uniform($"{layer}.running_mean", c, -0.2f, 0.2f));
        int variance = Constant($"{layer}.running_var", _weights.Uniform($"{layer}.running_var", c, 0.5f, 2.0f));
        return Add(layer, OpKind.BatchNorm, new BatchNormAttrs(epsilon), x, scale, shift, mean, variance);
    }

    /// <summary>Fully connected layer over a <c>[N, features]</c> input.</summary>
    /// <param name="layer">Layer name.</param>
    /// <param name="x">Input value.</param>
    /// <param name="outFeatures">Output features.</param>
    /// <param name="bias">Whether the layer has a bias.</param>
    public int FullyConnected(string layer, int x, int outFeatures, bool bias = true)
    {
        int inFeatures = _shapes[x].CountFrom(1);
        int w = Constant($"{layer}.weight", _weights.HeNormal($"{layer}.weight", new TensorShape(outFeatures, inFeatures), inFeatures));
        var attrs = new FullyConnectedAttrs();
        return bias
            ? Add(layer, OpKind.FullyConnected, attrs, x, w, Constant($"{layer}.bias", _weights.Uniform($"{layer}.bias", outFeatures, -0.1f, 0.1f)))
            : Add(layer, OpKind.FullyConnected, attrs, x, w);
    }

    /// <summary>ReLU.</summary>
    /// <param name="layer">Layer name.</param>
    /// <param name="x">Input value.</param>
    public int Relu(string layer, int x) => Add(layer, OpKind.Relu, NoAttrs.Instance, x);

    /// <summary>Sigmoid.</summary>
    /// <param name="layer">Layer name.</param>
    /// <param name="x">Input value.</param>
    public int Sigmoid(string layer, int x) => Add(layer, OpKind.Sigmoid, NoAttrs.Instance, x);

    /// <summary>Max pooling.</summary>
    /// <param name="layer">Layer name.</param>
    /// <param name="x">Input value.</param>
    /// <param name="window">The window.</param>
    public int MaxPool(string layer, int x, PoolWindow window) => Add(layer, OpKind.MaxPool, new MaxPoolAttrs(window), x);

    /// <summary>Average pooling.</summary>
    /// <param name="layer">Layer name.</param>
    /// <param name="x">Input value.</param>
    /// <param name="window">The window.</param>
    /// <param name="countIncludePad">Whether padding counts in the divisor.</param>
    public int AvgPool(string layer, int x, PoolWindow window, bool countIncludePad = false) =>
        Add(layer, OpKind.AvgPool, new AvgPoolAttrs(window, countIncludePad), x);

    /// <summary>Global average pooling.</summary>
    /// <param name="layer">Layer name.</param>
    /// <param name="x">Input value.</param>
    public int GlobalAvgPool(string layer, int x) => Add(layer, OpKind.GlobalAvgPool, NoAttrs.Instance, x);

    /// <summary>Local response normalisation (ONNX semantics).</summary>
    /// <param name="layer">Layer name.</param>
    /// <param name="x">Input value.</param>
    /// <param name="attrs">Size, alpha, beta, bias.</param>
    public int Lrn(string layer, int x, LrnAttrs attrs) => Add(layer, OpKind.Lrn, attrs, x);

    /// <summary>SE gating of <paramref name="x"/> by <paramref name="gate"/> ([N, C] or [N, C, 1, 1]).</summary>
    /// <param name="layer">Layer name.</param>
    /// <param name="x">Input value.</param>
    /// <param name="gate">Per-channel gates.</param>
    public int ChannelScale(string layer, int x, int gate) => Add(layer, OpKind.ChannelScale, NoAttrs.Instance, x, gate);

    /// <summary>Residual addition.</summary>
    /// <param name="layer">Layer name.</param>
    /// <param name="a">First addend.</param>
    /// <param name="b">Second addend.</param>
    public int Sum(string layer, int a, int b) => Add(layer, OpKind.Add, NoAttrs.Instance, a, b);

    /// <summary>Channel concatenation.</summary>
    /// <param name="layer">Layer name.</param>
    /// <param name="inputs">Values to concatenate, in order.</param>
    public int Concat(string layer, params int[] inputs) => Add(layer, OpKind.Concat, NoAttrs.Instance, inputs);

    /// <summary>Flatten to <c>[N, features]</c>.</summary>
    /// <param name="layer">Layer name.</param>
    /// <param name="x">Input value.</param>
    public int Flatten(string layer, int x) => Add(layer, OpKind.Flatten, NoAttrs.Instance, x);

    /// <summary>Softmax over axis 1.</summary>
    /// <param name="layer">Layer name.</param>
    /// <param name="x">Input value.</param>
    public int Softmax(string layer, int x) => Add(layer, OpKind.Softmax, NoAttrs.Instance, x);

    /// <summary>Dropout (identity at inference).</summary>
    /// <param name="layer">Layer name.</param>
    /// <param name="x">Input value.</param>
    /// <param name="ratio">Training drop probability.</param>
    public int Dropout(string layer, int x, float ratio) => Add(layer, OpKind.Dropout, new DropoutAttrs(ratio), x);

    /// <summary>Clip, <c>min(max(x, min), max)</c>.</summary>
    /// <param name="layer">Layer name.</param>
    /// <param name="x">Input value.</param>
    /// <param name="min">Lower bound.</param>
    /// <param name="max">Upper bound (≥ <paramref name="min"/>).</param>
    public int Clip(string layer, int x, float min, float max) => Add(layer, OpKind.Clip, new ClipAttrs(min, max), x);

    /// <summary>ReLU6, <c>min(max(x, 0), 6)</c> (MobileNet-v2): a Clip the optimiser fuses into the convolution before it.</summary>
    /// <param name="layer">Layer name.</param>
    /// <param name="x">Input value.</param>
    public int Relu6(string layer, int x) => Add(layer, OpKind.Clip, ClipAttrs.Relu6, x);

    /// <summary>ShuffleNet's channel shuffle over <paramref name="groups"/> groups.</summary>
    /// <param name="layer">Layer name.</param>
    /// <param name="x">Input value, <c>[N, g·c, H, W]</c>.</param>
    /// <param name="groups">g; must divide the channel count.</param>
    public int ChannelShuffle(string layer, int x, int groups) => Add(layer, OpKind.ChannelShuffle, new ChannelShuffleAttrs(groups), x);

    /// <summary>Channels <c>[start, start + count)</c> of <paramref name="x"/> (ShuffleNet's channel split).</summary>
    /// <param name="layer">Layer name.</param>
    /// <param name="x">Input value, <c>[N, C, H, W]</c>.</param>
    /// <param name="start">First channel kept.</param>
    /// <param name="count">Channels kept.</param>
    public int ChannelSlice(string layer, int x, int start, int count) => Add(layer, OpKind.ChannelSlice, new ChannelSliceAttrs(start, count), x);

    /// <summary><c>factor·x</c> (Inception-ResNet's residual scaling).</summary>
    /// <param name="layer">Layer name.</param>
    /// <param name="x">Input value.</param>
    /// <param name="factor">The constant factor.</param>
    public int Scale(string layer, int x, float factor) => Add(layer, OpKind.Scale, new ScaleAttrs(factor), x);

    /// <summary>Finishes the graph.</summary>
    public ComputeGraph Build() => new(name, _values, _nodes, _inputs, _outputs);

    private sealed class BlockScope(GraphBuilder builder, string? outer) : IDisposable
    {
        public void Dispose() => builder._block = outer;
    }

    private int AddValue(string valueName, Tensor? constant, TensorShape shape)
    {
        int id = _values.Count;
        _values.Add(new Value(id, valueName, constant));
        _shapes.Add(shape);
        return id;
    }
}
