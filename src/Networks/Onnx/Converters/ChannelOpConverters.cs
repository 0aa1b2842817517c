using CnnGpu.Runtime.Graph;

namespace CnnGpu.Networks.Onnx.Converters;

/// <summary>
/// ONNX <c>Clip</c> (→ <see cref="OpKind.Clip"/>), <c>Slice</c> on the channel axis (→ <see cref="OpKind.ChannelSlice"/>),
/// the <c>Transpose</c> inside an exported channel shuffle, and <c>ReduceMean</c> over the spatial axes
/// (→ global average pooling, as torchvision's ShuffleNet-v2 writes <c>x.mean([2, 3])</c>).
/// </summary>
internal static class ChannelOpConverters
{
    /// <summary>Clip with bounds as attributes (before opset 11) or as optional constant inputs (from 11; ReLU6 in MobileNet-v2 exports).</summary>
    public static void Clip(ImportContext ctx, OnnxNode node)
    {
        float min, max;
        if (node.Opset < 11)
        {
            node.AllowOnly("min", "max");
            (min, max) = (node.Float("min", float.NegativeInfinity), node.Float("max", float.PositiveInfinity));
        }
        else
        {
            node.AllowOnly();
            (min, max) = (Bound(ctx, node, 1, "min", float.NegativeInfinity), Bound(ctx, node, 2, "max", float.PositiveInfinity));
        }

        if (float.IsNaN(min) || float.IsNaN(max) || min > max)
        {
            throw node.Error($"bounds [{min}, {max}] must be numbers with min ≤ max.");
        }

        ctx.Bind(node.Output, ctx.Emit(node, OpKind.Clip, new ClipAttrs(min, max), ctx.Activation(node, 0)));
    }

    /// <summary>
    /// A slice of an NCHW activation that keeps a contiguous range of channels (step 1) and every element of
    /// the other axes: ShuffleNet-v2's channel split as torch.onnx writes <c>x.chunk(2, dim=1)</c>.
    /// </summary>
    public static void Slice(ImportContext ctx, OnnxNode node)
    {
        node.AllowOnly(node.Opset < 10 ? ["starts", "ends", "axes"] : []);
        long[] shape = ctx.ShapeOf(node, 0);
        OnnxConstant?[] arguments = [.. Enumerable.Range(1, Math.Max(0, node.InputCount - 1)).Select(i => node.HasInput(i)
            ? ctx.TryConstant(node, i) ?? throw node.Error($"input {i} ('{node.Input(i, "slice argument")}') is computed from data; only constant slice bounds are supported.")
            : null)];
        var (starts, ends, axes, steps) = ConstantFolding.SliceArguments(node, arguments, shape.Length);
        if (axes.Any(a => a < 0 || a >= shape.Length))
        {
            throw node.Error($"axes [{string.Join(", ", axes)}] are out of range for rank {shape.Length}.");
        }

        int start = 0, count = (int)shape.ElementAtOrDefault(1);
        for (int i = 0; i < axes.Length; i++)
        {
            var (begin, length) = ConstantFolding.SliceRange(starts[i], ends[i], steps[i], axes[i] == 0 ? long.MaxValue : shape[axes[i]]);
            bool whole = axes[i] != 1 && begin == 0 && (axes[i] == 0 ? ends[i] >= int.MaxValue : length == shape[axes[i]]) && steps[i] == 1;
            if (axes[i] == 1 && steps[i] == 1 && shape.Length == 4 && length > 0)
            {
                (start, count) = ((int)begin, (int)length);
            }
            else if (!whole)
            {
                throw node.Error($"slicing axis {axes[i]} of [{string.Join(", ", shape)}] (starts {starts[i]}, ends {ends[i]}, step {steps[i]}) is not supported; only a contiguous channel range of an NCHW tensor is.");
            }
        }

        int x = ctx.Activation(node, 0);
        ctx.Bind(node.Output, start == 0 && count == shape[1] ? x : ctx.Emit(node, OpKind.ChannelSlice, new ChannelSliceAttrs(start, count), x));
    }

    /// <summary>The swap of the group and channel axes of a channel shuffle's 5-D view; other transposes are not supported.</summary>
    public static void Transpose(ImportContext ctx, OnnxNode node)
    {
        node.AllowOnly("perm");
        long[] perm = node.Ints("perm") ?? [];
        if (ctx.Shuffle(node, 0) is { Transposed: false } view && perm.SequenceEqual([0L, 2, 1, 3, 4]))
        {
            ctx.BindShuffle(node.Output, ctx.Viewed(node, 0), view.Groups, transposed: true);
            return;
        }

        throw node.Error(
            $"transposing [{string.Join(", ", ctx.ShapeOf(node, 0))}] by perm [{string.Join(", ", perm)}] is not supported; only the channel shuffle Reshape [N, g, c, H, W] → Transpose(0, 2, 1, 3, 4) → Reshape [N, g·c, H, W] is.",
            "perm");
    }

    /// <summary>The mean over the spatial axes 2 and 3 of an NCHW tensor: global average pooling, flattened unless keepdims.</summary>
    public static void ReduceMean(ImportContext ctx, OnnxNode node)
    {
        node.AllowOnly("axes", "keepdims", "noop_with_empty_axes");
        long[] shape = ctx.ShapeOf(node, 0);
        long[]? axes = node.Opset >= 18 && node.HasInput(1) ? ctx.Constant(node, 1, "axes", floats: false).Integers : node.Ints("axes");
        long[] normalized = [.. (axes ?? []).Select(a => a < 0 ? a + shape.Length : a).Order()];
        if (shape.Length != 4 || !normalized.SequenceEqual([2L, 3]))
        {
            throw node.Error($"ReduceMean over axes [{string.Join(", ", axes ?? [])}] of [{string.Join(", ", shape)}] is not supported; only over the spatial axes 2 and 3 of an NCHW tensor (global average pooling).", "axes");
        }

        int pooled = ctx.Emit(node, OpKind.GlobalAvgPool, NoAttrs.Instance, ctx.Activation(node, 0));
        ctx.Bind(node.Output, node.Int("keepdims", 1) == 1 ? pooled : ctx.EmitPart(node, "flatten", OpKind.Flatten, NoAttrs.Instance, pooled));
    }

    private static float Bound(ImportContext ctx, OnnxNode node, int index, string role, float fallback)
    {
        if (!node.HasInput(index))
        {
            return fallback;
        }

        var c = ctx.TryConstant(node, index)
            ?? throw node.Error($"input {index} ({role}, '{node.Input(index, role)}') is computed; Clip bounds must be constants.");
        return c.Count == 1
            ? c.Floats?[0] ?? c.Integers![0]
            : throw node.Error($"{role} '{c.Name}' must be a scalar, got shape {c.ShapeText}.");
    }
}
