using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Networks.Onnx.Converters;

/// <summary>
/// ONNX <c>Relu</c>, <c>Sigmoid</c>, <c>Add</c>, <c>Sub</c> and <c>Mul</c>. Two computed tensors of one
/// shape add (residual); a scalar constant factor becomes <see cref="OpKind.Scale"/>; a per-channel
/// constant becomes an exact affine batch norm (scale·x + shift, ε = 0, unit variance); a whole-item constant (a mean image) is added as a graph constant;
/// <c>[N,C,H,W]·[N,C,1,1]</c> becomes <see cref="OpKind.ChannelScale"/> (the SE gate).
/// </summary>
internal static class ElementwiseConverters
{
    public static void Relu(ImportContext ctx, OnnxNode node) => Unary(ctx, node, OpKind.Relu);

    public static void Sigmoid(ImportContext ctx, OnnxNode node) => Unary(ctx, node, OpKind.Sigmoid);

    public static void Add(ImportContext ctx, OnnxNode node) => Sum(ctx, node, subtract: false);

    public static void Sub(ImportContext ctx, OnnxNode node) => Sum(ctx, node, subtract: true);

    public static void Mul(ImportContext ctx, OnnxNode node)
    {
        node.AllowOnly();
        var (left, right) = (ctx.TryConstant(node, 0), ctx.TryConstant(node, 1));
        if (left is not null && right is not null)
        {
            throw BothConstant(node);
        }

        if (left is not null || right is not null)
        {
            int index = left is null ? 0 : 1;
            var constant = (left ?? right)!;
            int x = ctx.Activation(node, index);
            if (constant is { Count: 1, Floats: [var factor] })
            {
                // A scalar factor (Inception-ResNet's residual scaling) is a Scale, not a per-channel affine.
                ctx.Bind(node.Output, ctx.Emit(node, OpKind.Scale, new ScaleAttrs(factor), x));
                return;
            }

            var shape = ctx.Builder.ShapeOf(x);
            float[] scale = Broadcast.PerChannel(constant, shape.Rank, shape[1])
                ?? throw node.Error($"constant '{constant.Name}' of shape {constant.ShapeText} does not broadcast per channel over {shape}; only scalar or per-channel constant factors are supported.");
            ctx.Bind(node.Output, Affine(ctx, node, x, scale, new float[scale.Length]));
            return;
        }

        foreach (var (data, gate) in new[] { (0, 1), (1, 0) })
        {
            int s = ctx.Gate(node, gate);
            if (s >= 0 && ctx.ShapeOf(node, data).Length == 4)
            {
                ctx.Bind(node.Output, ctx.Emit(node, OpKind.ChannelScale, NoAttrs.Instance, ctx.Activation(node, data), s));
                return;
            }
        }

        throw node.Error(
            $"the product of two computed tensors ([{string.Join(", ", ctx.ShapeOf(node, 0))}] · [{string.Join(", ", ctx.ShapeOf(node, 1))}]) is only supported as SE channel gating [N,C,H,W]·[N,C,1,1].");
    }

    /// <summary>Emits <c>scale·x + shift</c> per channel as a batch norm that computes it exactly.</summary>
    public static int Affine(ImportContext ctx, OnnxNode node, int x, float[] scale, float[] shift, string? part = null)
    {
        int channels = scale.Length;
        int Constant(string suffix, float[] data) => ctx.NewConstant(node, suffix, new Tensor(new TensorShape(channels), data));
        int[] inputs =
        [
            x, Constant("scale", scale), Constant("shift", shift),
            Constant("zero_mean", new float[channels]), Constant("unit_variance", [.. Enumerable.Repeat(1f, channels)]),
        ];
        var attrs = new BatchNormAttrs(0f);
        return part is null
            ? ctx.Emit(node, OpKind.BatchNorm, attrs, inputs)
            : ctx.EmitPart(node, part, OpKind.BatchNorm, attrs, inputs);
    }

    private static void Unary(ImportContext ctx, OnnxNode node, OpKind kind)
    {
        node.AllowOnly();
        ctx.Bind(node.Output, ctx.Emit(node, kind, NoAttrs.Instance, ctx.Activation(node, 0)));
    }

    private static void Sum(ImportContext ctx, OnnxNode node, bool subtract)
    {
        node.AllowOnly();
        var (left, right) = (ctx.TryConstant(node, 0), ctx.TryConstant(node, 1));
        if (left is not null && right is not null)
        {
            throw BothConstant(node);
        }

        if (left is null && right is null)
        {
            long[] a = ctx.ShapeOf(node, 0), b = ctx.ShapeOf(node, 1);
            if (!a.SequenceEqual(b))
            {
                throw node.Error($"broadcasting between two computed tensors ([{string.Join(", ", a)}] and [{string.Join(", ", b)}]) is not supported; their shapes must be equal.");
            }

            int x = ctx.Activation(node, 0), y = ctx.Activation(node, 1);
            if (subtract)
            {
                y = Affine(ctx, node, y, Filled(ctx.Builder.ShapeOf(y)[1], -1f), new float[ctx.Builder.ShapeOf(y)[1]], "negate");
            }

            ctx.Bind(node.Output, ctx.Emit(node, OpKind.Add, NoAttrs.Instance, x, y));
            return;
        }

        // x ± c, or c − x = (−x) + c.
        bool constantFirst = left is not null;
        var constant = (left ?? right)!;
        int data = ctx.Activation(node, constantFirst ? 1 : 0);
        var shape = ctx.Builder.ShapeOf(data);
        float sign = subtract && !constantFirst ? -1f : 1f;
        float dataSign = subtract && constantFirst ? -1f : 1f;
        if (Broadcast.PerChannel(constant, shape.Rank, shape[1]) is { } perChannel)
        {
            float[] shift = [.. perChannel.Select(v => sign * v)];
            ctx.Bind(node.Output, Affine(ctx, node, data, Filled(shape[1], dataSign), shift));
            return;
        }

        long[] dims = [.. shape.Dimensions.Select(d => (long)d)];
        if (!Broadcast.IsWholeItem(constant, dims))
        {
            throw node.Error($"constant '{constant.Name}' of shape {constant.ShapeText} does not broadcast over {shape} per channel or as a whole item; other broadcasts are not supported.");
        }

        if (dataSign < 0)
        {
            data = Affine(ctx, node, data, Filled(shape[1], -1f), new float[shape[1]], "negate");
        }

        float[] values = [.. constant.Floats!.Select(v => sign * v)];
        int item = ctx.NewConstant(node, "offset", new Tensor(shape, values));
        ctx.Bind(node.Output, ctx.Emit(node, OpKind.Add, NoAttrs.Instance, data, item));
    }

    private static float[] Filled(int length, float value) => [.. Enumerable.Repeat(value, length)];

    private static OnnxImportException BothConstant(OnnxNode node) =>
        node.Error("both inputs are constants; constant folding is not supported.");
}
