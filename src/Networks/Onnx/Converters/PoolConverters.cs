using CnnGpu.Runtime.Graph;

namespace CnnGpu.Networks.Onnx.Converters;

/// <summary>ONNX <c>MaxPool</c>, <c>AveragePool</c> (ceil_mode, count_include_pad, asymmetric pads) and <c>GlobalAveragePool</c>.</summary>
internal static class PoolConverters
{
    public static void MaxPool(ImportContext ctx, OnnxNode node)
    {
        node.AllowOnly("auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides");
        ctx.RequireUnused(node, 1, "indices");
        int x = ctx.Activation(node, 0);
        var window = SpatialAttributes.Read(node, ctx.ShapeOf(node, 0)).Window(node, CeilMode(node));
        ctx.Bind(node.Output, ctx.Emit(node, OpKind.MaxPool, new MaxPoolAttrs(window), x));
    }

    public static void AveragePool(ImportContext ctx, OnnxNode node)
    {
        node.AllowOnly("auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads", "strides");
        int x = ctx.Activation(node, 0);
        var window = SpatialAttributes.Read(node, ctx.ShapeOf(node, 0)).Window(node, CeilMode(node));
        long includePad = node.Int("count_include_pad", 0);
        if (includePad is not (0 or 1))
        {
            throw node.Error($"must be 0 or 1, got {includePad}.", "count_include_pad");
        }

        ctx.Bind(node.Output, ctx.Emit(node, OpKind.AvgPool, new AvgPoolAttrs(window, includePad == 1), x));
    }

    public static void GlobalAveragePool(ImportContext ctx, OnnxNode node)
    {
        node.AllowOnly();
        int x = ctx.Activation(node, 0);
        ctx.Bind(node.Output, ctx.Emit(node, OpKind.GlobalAvgPool, NoAttrs.Instance, x));
    }

    private static bool CeilMode(OnnxNode node)
    {
        long ceil = node.Int("ceil_mode", 0);
        return ceil is 0 or 1 ? ceil == 1 : throw node.Error($"must be 0 or 1, got {ceil}.", "ceil_mode");
    }
}
