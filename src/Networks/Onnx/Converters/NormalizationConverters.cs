using CnnGpu.Runtime.Graph;

namespace CnnGpu.Networks.Onnx.Converters;

/// <summary>ONNX <c>BatchNormalization</c> (inference) and <c>LRN</c> (ONNX semantics: alpha/size).</summary>
internal static class NormalizationConverters
{
    public static void BatchNormalization(ImportContext ctx, OnnxNode node)
    {
        node.AllowOnly("epsilon", "momentum", "spatial", "training_mode");
        if (node.Int("spatial", 1) != 1)
        {
            throw node.Error("per-activation batch norm (spatial = 0) is not supported; only spatial = 1.", "spatial");
        }

        if (node.Int("training_mode", 0) != 0)
        {
            throw node.Error("training mode is not supported; export the model for inference.", "training_mode");
        }

        ctx.RequireUnused(node, 1, "training statistics");
        int x = ctx.Activation(node, 0);
        string[] roles = ["scale", "bias", "mean", "variance"];
        int[] parameters = [.. roles.Select((role, i) => ctx.ConstantId(node, ctx.Constant(node, i + 1, role)))];
        var attrs = new BatchNormAttrs(node.Float("epsilon", 1e-5f));
        ctx.Bind(node.Output, ctx.Emit(node, OpKind.BatchNorm, attrs, [x, .. parameters]));
    }

    public static void Lrn(ImportContext ctx, OnnxNode node)
    {
        node.AllowOnly("alpha", "beta", "bias", "size");
        if (!node.Has("size"))
        {
            throw node.Error("size is required.", "size");
        }

        int size = node.ToInt("size", node.Int("size", 0));
        if (size < 1)
        {
            throw node.Error($"must be positive, got {size}.", "size");
        }

        int x = ctx.Activation(node, 0);
        var attrs = new LrnAttrs(size, node.Float("alpha", 1e-4f), node.Float("beta", 0.75f), node.Float("bias", 1f));
        ctx.Bind(node.Output, ctx.Emit(node, OpKind.Lrn, attrs, x));
    }
}
