using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Networks.Onnx.Converters;

/// <summary>
/// ONNX <c>Gemm</c> and <c>MatMul</c> with constant weights → <see cref="OpKind.FullyConnected"/>.
/// alpha, beta and transB are folded into the weights and bias at import; an <c>Add</c> of a
/// constant bias right after is folded into the bias.
/// </summary>
internal static class LinearConverters
{
    public static void Gemm(ImportContext ctx, OnnxNode node)
    {
        node.AllowOnly("alpha", "beta", "transA", "transB");
        if (node.Int("transA", 0) != 0)
        {
            throw node.Error("a transposed activation (A is [K, N]) is not supported; CnnGpu's batch is the first dimension of A.", "transA");
        }

        long transB = node.Int("transB", 0);
        if (transB is not (0 or 1))
        {
            throw node.Error($"must be 0 or 1, got {transB}.", "transB");
        }

        float alpha = node.Float("alpha", 1f), beta = node.Float("beta", 1f);
        var b = Weights(ctx, node, "B");
        int outFeatures = (int)(transB == 1 ? b.Dims[0] : b.Dims[1]);
        int weights = alpha == 1f ? ctx.ConstantId(node, b) : ctx.NewConstant(node, "weight", Scaled(b, alpha));
        float[]? bias = null;
        if (node.HasInput(2) && beta != 0f)
        {
            var c = ctx.Constant(node, 2, "C");
            bias = Broadcast.PerChannel(c, 2, outFeatures)
                ?? throw node.Error($"bias C '{c.Name}' of shape {c.ShapeText} does not broadcast as one value per output ([{outFeatures}] or [1, {outFeatures}]); a per-row C is not supported.");
            for (int i = 0; i < bias.Length; i++)
            {
                bias[i] *= beta;
            }
        }

        Emit(ctx, node, weights, transB == 0, outFeatures, bias);
    }

    public static void MatMul(ImportContext ctx, OnnxNode node)
    {
        node.AllowOnly();
        var b = Weights(ctx, node, "B");
        Emit(ctx, node, ctx.ConstantId(node, b), transposed: true, (int)b.Dims[1], bias: null);
    }

    private static OnnxConstant Weights(ImportContext ctx, OnnxNode node, string role)
    {
        long[] a = ctx.ShapeOf(node, 0);
        if (a.Length != 2)
        {
            throw node.Error($"input A has shape [{string.Join(", ", a)}]; only [N, features] inputs are supported (Flatten first).");
        }

        if (ctx.TryConstant(node, 1) is null)
        {
            throw node.Error($"input {role} ('{node.Input(1, role)}') is computed; only constant weights are supported.");
        }

        var b = ctx.Constant(node, 1, role);
        return b.Dims.Length == 2 ? b : throw node.Error($"weights {role} '{b.Name}' have shape {b.ShapeText}; expected a matrix.");
    }

    private static void Emit(ImportContext ctx, OnnxNode node, int weights, bool transposed, int outFeatures, float[]? bias)
    {
        int x = ctx.Activation(node, 0);
        string output = node.Output;
        if (bias is null && ctx.TryFoldBiasAdd(output, 2, outFeatures, out float[] folded, out output))
        {
            bias = folded;
        }

        var attrs = new FullyConnectedAttrs(transposed);
        int y = bias is null
            ? ctx.Emit(node, OpKind.FullyConnected, attrs, x, weights)
            : ctx.Emit(node, OpKind.FullyConnected, attrs, x, weights, ctx.NewConstant(node, "bias", new Tensor(new TensorShape(outFeatures), bias)));
        ctx.Bind(output, y);
    }

    private static Tensor Scaled(OnnxConstant b, float alpha)
    {
        var t = b.ToTensor();
        return new Tensor(t.Shape, [.. t.Data.Select(v => v * alpha)]);
    }
}
