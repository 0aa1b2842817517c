using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Runtime.Planning;

/// <summary>
/// Computes every value's shape for a batch size. Errors are <see cref="ShapeMismatchException"/>s
/// naming the node and the shapes that do not fit.
/// </summary>
public static class ShapeInference
{
    /// <summary>Shapes of every value of <paramref name="graph"/> for <paramref name="batch"/> items.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="batch">Items per run (≥ 1).</param>
    /// <returns>The shape of each value, indexed by value id.</returns>
    public static TensorShape[] Infer(ComputeGraph graph, int batch)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        var shapes = new TensorShape[graph.Values.Length];
        foreach (var value in graph.Values)
        {
            if (value.Constant is { } constant)
            {
                shapes[value.Id] = constant.Shape;
            }
        }

        foreach (var input in graph.Inputs)
        {
            shapes[input.ValueId] = new TensorShape([batch, .. input.ItemShape.Dimensions]);
        }

        foreach (var node in graph.Nodes)
        {
            var inputShapes = node.Inputs.Select(id => shapes[id]).ToArray();
            shapes[node.Output] = InferOutput(node, inputShapes);
        }

        return shapes;
    }

    /// <summary>The output shape of <paramref name="node"/> given its input shapes.</summary>
    /// <param name="node">The node.</param>
    /// <param name="inputs">Shapes of its inputs, in order.</param>
    public static TensorShape InferOutput(Node node, IReadOnlyList<TensorShape> inputs)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(inputs);
        return node.Kind switch
        {
            OpKind.Conv2d => Conv(node, inputs),
            OpKind.MaxPool => Pool(node, inputs, ((MaxPoolAttrs)node.Attributes).Window),
            OpKind.AvgPool => Pool(node, inputs, ((AvgPoolAttrs)node.Attributes).Window),
            OpKind.GlobalAvgPool => GlobalPool(node, inputs),
            OpKind.Lrn => Image(node, inputs, 1)[0],
            OpKind.BatchNorm => BatchNorm(node, inputs),
            OpKind.Relu or OpKind.Sigmoid or OpKind.Dropout or OpKind.Identity => Same(node, inputs, 1),
            OpKind.Softmax => Softmax(node, inputs),
            OpKind.ChannelScale => ChannelScale(node, inputs),
            OpKind.Add => Add(node, inputs),
            OpKind.Concat => Concat(node, inputs),
            OpKind.FullyConnected => FullyConnected(node, inputs),
            OpKind.Flatten => new TensorShape(Arity(node, inputs, 1)[0][0], inputs[0].CountFrom(1)),
            OpKind.Clip => Clip(node, inputs),
            OpKind.Scale => Same(node, inputs, 1),
            OpKind.ChannelShuffle => ChannelShuffle(node, inputs),
            OpKind.ChannelSlice => ChannelSlice(node, inputs),
            _ => throw new CnnGpuException($"{node}: shape inference does not know op {node.Kind}."),
        };
    }

    /// <summary>Output length of a sliding window (convolution or pooling) along one axis.</summary>
    /// <param name="input">Input length.</param>
    /// <param name="kernel">Window length.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="padBegin">Padding before.</param>
    /// <param name="padEnd">Padding after.</param>
    /// <param name="dilation">Dilation.</param>
    /// <param name="ceilMode">Round up; the last window must still start inside the input or its leading padding.</param>
    /// <returns>The output length; ≤ 0 when the window does not fit.</returns>
    public static int WindowOutput(int input, int kernel, int stride, int padBegin, int padEnd, int dilation = 1, bool ceilMode = false)
    {
        int span = (dilation * (kernel - 1)) + 1;
        int room = input + padBegin + padEnd - span;
        if (room < 0)
        {
            return 0;
        }

        int output = (ceilMode ? (room + stride - 1) / stride : room / stride) + 1;
        if (ceilMode && (output - 1) * stride >= input + padBegin)
        {
            output--;
        }

        return output;
    }

    private static TensorShape[] Arity(Node node, IReadOnlyList<TensorShape> inputs, int min, int max = -1)
    {
        max = max < 0 ? min : max;
        if (inputs.Count < min || inputs.Count > max)
        {
            string expected = min == max ? $"{min}" : $"{min} to {max}";
            throw new ShapeMismatchException($"{node}: expects {expected} inputs, got {inputs.Count}.");
        }

        return [.. inputs];
    }

    private static TensorShape[] Image(Node node, IReadOnlyList<TensorShape> inputs, int arity, int maxArity = -1)
    {
        var shapes = Arity(node, inputs, arity, maxArity);
        if (shapes[0].Rank != 4)
        {
            throw new ShapeMismatchException($"{node}: expects an NCHW input, got {shapes[0]}.");
        }

        return shapes;
    }

    private static TensorShape Same(Node node, IReadOnlyList<TensorShape> inputs, int arity) => Arity(node, inputs, arity)[0];

    private static TensorShape Conv(Node node, IReadOnlyList<TensorShape> inputs)
    {
        var a = (Conv2dAttrs)node.Attributes;
        var s = Image(node, inputs, a.Residual ? 3 : 2, a.Residual ? 4 : 3);
        TensorShape x = s[0], w = s[1];
        if (a.Groups < 1 || a.StrideH < 1 || a.StrideW < 1 || a.DilationH < 1 || a.DilationW < 1 ||
            a.Pads.Top < 0 || a.Pads.Left < 0 || a.Pads.Bottom < 0 || a.Pads.Right < 0)
        {
            throw new ShapeMismatchException($"{node}: groups, strides and dilations must be ≥ 1 and pads ≥ 0, got {a}.");
        }

        if (w.Rank != 4 || w[2] != a.KernelH || w[3] != a.KernelW)
        {
            throw new ShapeMismatchException($"{node}: weight {w} does not match kernel {a.KernelH}x{a.KernelW} (expected [K, C/groups, {a.KernelH}, {a.KernelW}]).");
        }

        if (x[1] % a.Groups != 0 || w[0] % a.Groups != 0 || x[1] / a.Groups != w[1])
        {
            throw new ShapeMismatchException($"{node}: input {x} with {a.Groups} group(s) does not fit weight {w} (input channels / groups must equal weight dim 1, and filters must divide into groups).");
        }

        if (a.HasBias(s.Length) && (s[2].Rank != 1 || s[2][0] != w[0]))
        {
            throw new ShapeMismatchException($"{node}: bias {s[2]} does not match weight {w} (expected [{w[0]}]).");
        }

        int oh = WindowOutput(x[2], a.KernelH, a.StrideH, a.Pads.Top, a.Pads.Bottom, a.DilationH);
        int ow = WindowOutput(x[3], a.KernelW, a.StrideW, a.Pads.Left, a.Pads.Right, a.DilationW);
        if (oh < 1 || ow < 1)
        {
            throw new ShapeMismatchException($"{node}: kernel {a.KernelH}x{a.KernelW} (dilation {a.DilationH}x{a.DilationW}, pads {a.Pads}) does not fit input {x}.");
        }

        var y = new TensorShape(x[0], w[0], oh, ow);
        if (a.Residual && !s[^1].Equals(y))
        {
            throw new ShapeMismatchException($"{node}: the fused residual {s[^1]} must have the output's shape {y}.");
        }

        return y;
    }

    private static TensorShape Pool(Node node, IReadOnlyList<TensorShape> inputs, PoolWindow p)
    {
        var x = Image(node, inputs, 1)[0];
        if (p.KernelH < 1 || p.KernelW < 1 || p.StrideH < 1 || p.StrideW < 1)
        {
            throw new ShapeMismatchException($"{node}: window {p.KernelH}x{p.KernelW} stride {p.StrideH}x{p.StrideW} must be positive.");
        }

        if (p.Pads.Top >= p.KernelH || p.Pads.Bottom >= p.KernelH || p.Pads.Left >= p.KernelW || p.Pads.Right >= p.KernelW)
        {
            throw new ShapeMismatchException($"{node}: pads {p.Pads} must be smaller than the window {p.KernelH}x{p.KernelW} (input {x}).");
        }

        int oh = WindowOutput(x[2], p.KernelH, p.StrideH, p.Pads.Top, p.Pads.Bottom, 1, p.CeilMode);
        int ow = WindowOutput(x[3], p.KernelW, p.StrideW, p.Pads.Left, p.Pads.Right, 1, p.CeilMode);
        if (oh < 1 || ow < 1)
        {
            throw new ShapeMismatchException($"{node}: window {p.KernelH}x{p.KernelW} (pads {p.Pads}) does not fit input {x}.");
        }

        return new TensorShape(x[0], x[1], oh, ow);
    }

    private static TensorShape GlobalPool(Node node, IReadOnlyList<TensorShape> inputs)
    {
        var x = Image(node, inputs, 1)[0];
        return new TensorShape(x[0], x[1], 1, 1);
    }

    private static TensorShape BatchNorm(Node node, IReadOnlyList<TensorShape> inputs)
    {
        var s = Arity(node, inputs, 5);
        var x = s[0];
        if (x.Rank < 2)
        {
            throw new ShapeMismatchException($"{node}: expects at least [N, C], got {x}.");
        }

        string[] roles = ["scale", "bias", "mean", "variance"];
        for (int i = 1; i < 5; i++)
        {
            if (s[i].Rank != 1 || s[i][0] != x[1])
            {
                throw new ShapeMismatchException($"{node}: {roles[i - 1]} {s[i]} does not match the {x[1]} channels of input {x}.");
            }
        }

        return x;
    }

    private static TensorShape Softmax(Node node, IReadOnlyList<TensorShape> inputs)
    {
        var x = Arity(node, inputs, 1)[0];
        if (x.Rank < 2)
        {
            throw new ShapeMismatchException($"{node}: softmax runs over axis 1 and needs rank ≥ 2, got {x}.");
        }

        return x;
    }

    private static TensorShape ChannelScale(Node node, IReadOnlyList<TensorShape> inputs)
    {
        var s = Image(node, inputs, 2);
        TensorShape x = s[0], gate = s[1];
        if (gate[0] != x[0] || gate.ElementCount != x[0] * x[1])
        {
            throw new ShapeMismatchException($"{node}: gate {gate} does not match input {x} (expected [{x[0]}, {x[1]}] or [{x[0]}, {x[1]}, 1, 1]).");
        }

        return x;
    }

    private static TensorShape Add(Node node, IReadOnlyList<TensorShape> inputs)
    {
        var s = Arity(node, inputs, 2);
        if (!s[0].Equals(s[1]) && !BroadcastsOverBatch(s[1], s[0]))
        {
            throw new ShapeMismatchException($"{node}: shapes {s[0]} and {s[1]} differ (only a second operand of batch 1 broadcasts over the batch).");
        }

        return s[0];
    }

    /// <summary>Whether <paramref name="item"/> is <c>[1, …]</c> with the same trailing dimensions as <paramref name="batch"/>.</summary>
    private static bool BroadcastsOverBatch(TensorShape item, TensorShape batch) =>
        item.Rank == batch.Rank && item[0] == 1 && item.Dimensions.AsSpan()[1..].SequenceEqual(batch.Dimensions.AsSpan()[1..]);

    private static TensorShape Concat(Node node, IReadOnlyList<TensorShape> inputs)
    {
        if (inputs.Count < 1)
        {
            throw new ShapeMismatchException($"{node}: expects at least one input.");
        }

        var first = Image(node, inputs, 1, inputs.Count)[0];
        int channels = 0;
        foreach (var x in inputs)
        {
            if (x.Rank != 4 || x[0] != first[0] || x[2] != first[2] || x[3] != first[3])
            {
                throw new ShapeMismatchException($"{node}: input {x} does not match {first} outside the channel axis.");
            }

            channels += x[1];
        }

        return new TensorShape(first[0], channels, first[2], first[3]);
    }

    private static TensorShape FullyConnected(Node node, IReadOnlyList<TensorShape> inputs)
    {
        var a = (FullyConnectedAttrs)node.Attributes;
        var s = Arity(node, inputs, 2, 3);
        TensorShape x = s[0], w = s[1];
        if (x.Rank != 2)
        {
            throw new ShapeMismatchException($"{node}: expects a [N, features] input (flatten first), got {x}.");
        }

        int inFeatures = w.Rank != 2 ? -1 : a.TransposedWeight ? w[0] : w[1];
        int outFeatures = w.Rank != 2 ? -1 : a.TransposedWeight ? w[1] : w[0];
        if (inFeatures != x[1])
        {
            string layout = a.TransposedWeight ? "[in, out]" : "[out, in]";
            throw new ShapeMismatchException($"{node}: input {x} does not fit weight {w} (layout {layout}, in = {x[1]}).");
        }

        if (s.Length == 3 && (s[2].Rank != 1 || s[2][0] != outFeatures))
        {
            throw new ShapeMismatchException($"{node}: bias {s[2]} does not match weight {w} (expected [{outFeatures}]).");
        }

        return new TensorShape(x[0], outFeatures);
    }

    private static TensorShape Clip(Node node, IReadOnlyList<TensorShape> inputs)
    {
        var a = (ClipAttrs)node.Attributes;
        if (float.IsNaN(a.Min) || float.IsNaN(a.Max) || a.Min > a.Max)
        {
            throw new ShapeMismatchException($"{node}: clip bounds [{a.Min}, {a.Max}] must be numbers with min ≤ max.");
        }

        return Same(node, inputs, 1);
    }

    private static TensorShape ChannelShuffle(Node node, IReadOnlyList<TensorShape> inputs)
    {
        var x = Image(node, inputs, 1)[0];
        int groups = ((ChannelShuffleAttrs)node.Attributes).Groups;
        if (groups < 1 || x[1] % groups != 0)
        {
            throw new ShapeMismatchException($"{node}: {groups} group(s) must be ≥ 1 and divide the {x[1]} channels of {x}.");
        }

        return x;
    }

    private static TensorShape ChannelSlice(Node node, IReadOnlyList<TensorShape> inputs)
    {
        var x = Image(node, inputs, 1)[0];
        var a = (ChannelSliceAttrs)node.Attributes;
        if (a.Start < 0 || a.Count < 1 || a.Start > x[1] - a.Count)
        {
            throw new ShapeMismatchException($"{node}: channels [{a.Start}, {a.Start}+{a.Count}) do not lie within the {x[1]} channels of {x}.");
        }

        return new TensorShape(x[0], a.Count, x[2], x[3]);
    }
}
