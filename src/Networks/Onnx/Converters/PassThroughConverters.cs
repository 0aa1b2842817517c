using CnnGpu.Runtime.Graph;

namespace CnnGpu.Networks.Onnx.Converters;

/// <summary>ONNX <c>Dropout</c> and <c>Identity</c> (kept as graph nodes; identities at inference).</summary>
internal static class PassThroughConverters
{
    public static void Dropout(ImportContext ctx, OnnxNode node)
    {
        node.AllowOnly("ratio", "seed");
        ctx.RequireUnused(node, 1, "mask");
        float ratio = node.Float("ratio", 0.5f);
        if (node.HasInput(1))
        {
            var r = ctx.Constant(node, 1, "ratio");
            ratio = r.Count == 1 ? r.Floats![0] : throw node.Error($"ratio '{r.Name}' must be a scalar.", "ratio");
        }

        if (node.HasInput(2) && !(ctx.TryConstant(node, 2) is { Count: 1 } mode && (mode.Integers?[0] ?? mode.Floats![0]) == 0))
        {
            throw node.Error("training_mode must be a constant false; dropout runs in inference mode only.", "training_mode");
        }

        ctx.Bind(node.Output, ctx.Emit(node, OpKind.Dropout, new DropoutAttrs(ratio), ctx.Activation(node, 0)));
    }

    public static void Identity(ImportContext ctx, OnnxNode node)
    {
        // An Identity of a constant (torch.onnx's shared initializers) never gets here: ConstantFolding folds it.
        node.AllowOnly();
        ctx.Bind(node.Output, ctx.Emit(node, OpKind.Identity, NoAttrs.Instance, ctx.Activation(node, 0)));
    }
}
