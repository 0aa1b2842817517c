using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Networks.Onnx.Converters;

/// <summary>ONNX <c>Conv</c> (2-D; auto_pad, asymmetric pads, dilations, group) → <see cref="OpKind.Conv2d"/>.</summary>
internal static class ConvConverter
{
    public static void Conv(ImportContext ctx, OnnxNode node)
    {
        node.AllowOnly("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides");
        int x = ctx.Activation(node, 0);
        var weights = ctx.Constant(node, 1, "weights");
        if (weights.Dims.Length != 4)
        {
            throw node.Error($"weights '{weights.Name}' have shape {weights.ShapeText}; only 2-D convolution ([K, C/group, kH, kW]) is supported.");
        }

        var window = SpatialAttributes.Read(node, ctx.ShapeOf(node, 0), [(int)weights.Dims[2], (int)weights.Dims[3]]);
        int groups = node.ToInt("group", node.Int("group", 1));
        var attrs = new Conv2dAttrs(window.KernelH, window.KernelW, window.StrideH, window.StrideW, window.Pads, window.DilationH, window.DilationW, groups);
        int filters = (int)weights.Dims[0];
        string output = node.Output;
        int w = ctx.ConstantId(node, weights);
        int y;
        if (node.HasInput(2))
        {
            var bias = ctx.Constant(node, 2, "bias");
            y = ctx.Emit(node, OpKind.Conv2d, attrs, x, w, ctx.ConstantId(node, bias));
        }
        else if (ctx.TryFoldBiasAdd(output, 4, filters, out float[] folded, out output))
        {
            y = ctx.Emit(node, OpKind.Conv2d, attrs, x, w, ctx.NewConstant(node, "bias", new Tensor(new TensorShape(filters), folded)));
        }
        else
        {
            y = ctx.Emit(node, OpKind.Conv2d, attrs, x, w);
        }

        ctx.Bind(output, y);
    }
}
