using CnnGpu.Runtime.Graph;

namespace CnnGpu.Networks.Onnx.Converters;

/// <summary>
/// ONNX <c>Concat</c>, <c>Split</c> (channel slices), <c>Flatten</c>, <c>Reshape</c> (constant or folded shape:
/// flatten, SE gate view, channel shuffle), <c>Unsqueeze</c> (SE gates) and <c>Softmax</c>.
/// </summary>
internal static class TensorConverters
{
    public static void Concat(ImportContext ctx, OnnxNode node)
    {
        node.AllowOnly("axis");
        long[] first = ctx.ShapeOf(node, 0);
        if (!node.Has("axis"))
        {
            throw node.Error("axis is required.", "axis");
        }

        long axis = Normalize(node, "axis", node.Int("axis", 1), first.Length);
        if (axis != 1 || first.Length != 4)
        {
            throw node.Error($"only channel concatenation (axis 1 of NCHW tensors) is supported; got axis {node.Int("axis", 1)} on shape [{string.Join(", ", first)}].", "axis");
        }

        int[] inputs = [.. Enumerable.Range(0, node.InputCount).Select(i => ctx.Activation(node, i))];
        ctx.Bind(node.Output, ctx.Emit(node, OpKind.Concat, NoAttrs.Instance, inputs));
    }

    /// <summary>A channel split: each output is a <see cref="OpKind.ChannelSlice"/> of its channel range.</summary>
    public static void Split(ImportContext ctx, OnnxNode node)
    {
        node.AllowOnly("axis", "split", "num_outputs");
        long[] shape = ctx.ShapeOf(node, 0);
        long axis = Normalize(node, "axis", node.Int("axis", 0), shape.Length);
        if (axis != 1 || shape.Length != 4)
        {
            throw node.Error($"only channel splits (axis 1 of NCHW tensors) are supported; got axis {node.Int("axis", 0)} on shape [{string.Join(", ", shape)}].", "axis");
        }

        int channels = (int)shape[1];
        int outputs = node.Proto.Output.Count;
        long[] sizes = node.Ints("split")
            ?? (node.HasInput(1) ? ctx.Constant(node, 1, "split", floats: false).Integers! : EqualSplit(node, channels, outputs));
        if (sizes.Length != outputs || sizes.Any(s => s < 1) || sizes.Sum() != channels)
        {
            throw node.Error($"split sizes [{string.Join(", ", sizes)}] do not divide {channels} channels into {outputs} outputs.", "split");
        }

        int x = ctx.Activation(node, 0);
        int start = 0;
        for (int o = 0; o < outputs; o++)
        {
            int size = (int)sizes[o];
            string name = node.Proto.Output[o];
            if (name.Length > 0)
            {
                ctx.Bind(name, ctx.EmitPart(node, $"out{o}", OpKind.ChannelSlice, new ChannelSliceAttrs(start, size), x));
            }

            start += size;
        }
    }

    public static void Flatten(ImportContext ctx, OnnxNode node)
    {
        node.AllowOnly("axis");
        long[] shape = ctx.ShapeOf(node, 0);
        long axis = Normalize(node, "axis", node.Int("axis", 1), shape.Length, allowRank: true);
        if (axis != 1)
        {
            throw node.Error($"only axis 1 (keep the batch, flatten the rest) is supported, got {node.Int("axis", 1)}.", "axis");
        }

        ctx.Bind(node.Output, ctx.Emit(node, OpKind.Flatten, NoAttrs.Instance, ctx.Activation(node, 0)));
    }

    /// <summary>
    /// A constant-shape reshape that keeps the batch and flattens (→ Flatten), changes nothing
    /// (→ the same value), or turns an SE gate <c>[N, C]</c> into <c>[N, C, 1, 1]</c> (→ a view for Mul).
    /// </summary>
    public static void Reshape(ImportContext ctx, OnnxNode node)
    {
        node.AllowOnly("allowzero");
        long[] shape = ctx.ShapeOf(node, 0);
        if (ctx.TryConstant(node, 1) is null)
        {
            throw node.Error($"the target shape '{node.Input(1, "shape")}' is computed; only a constant shape is supported.", "shape");
        }

        long[] requested = BatchAsCopy(node, ctx.Constant(node, 1, "shape", floats: false).Integers!);
        long[] target = Target(node, shape, requested, node.Int("allowzero", 0) == 1);
        string text = $"[{string.Join(", ", shape)}] → [{string.Join(", ", target)}]";
        if (ctx.Shuffle(node, 0) is { } view)
        {
            // The end of an exported channel shuffle: back to [N, g·c, H, W], shuffled once transposed.
            int viewed = ctx.Viewed(node, 0);
            var original = ctx.Builder.ShapeOf(viewed);
            if (!target.SequenceEqual(original.Dimensions.Select(d => (long)d)))
            {
                throw node.Error($"reshape {text} of a channel-shuffle view is not supported; only back to {original} is.", "shape");
            }

            ctx.Bind(node.Output, view.Transposed ? ctx.Emit(node, OpKind.ChannelShuffle, new ChannelShuffleAttrs(view.Groups), viewed) : viewed);
        }
        else if (target.SequenceEqual(shape))
        {
            ctx.Bind(node.Output, ctx.Activation(node, 0));
        }
        else if (shape.Length == 4 && target is [_, var g, var perGroup, var h, var w] && g * perGroup == shape[1] && h == shape[2] && w == shape[3] && target[0] == shape[0])
        {
            // The start of an exported channel shuffle: [N, g·c, H, W] viewed as [N, g, c, H, W].
            ctx.BindShuffle(node.Output, ctx.Activation(node, 0), (int)g, transposed: false);
        }
        else if (target.Length == 2 && shape.Length > 2)
        {
            ctx.Bind(node.Output, ctx.Emit(node, OpKind.Flatten, NoAttrs.Instance, ctx.Activation(node, 0)));
        }
        else if (shape.Length == 2 && target is [_, var c, 1, 1] && c == shape[1])
        {
            ctx.BindGate(node.Output, ctx.Activation(node, 0));
        }
        else
        {
            throw node.Error($"reshape {text} is not supported; only flattening to [N, features], [N, C] → [N, C, 1, 1] for SE gates and the channel shuffle [N, g·c, H, W] → [N, g, c, H, W] → Transpose(0, 2, 1, 3, 4) → [N, g·c, H, W] are.", "shape");
        }
    }

    /// <summary>
    /// An SE gate <c>[N, C]</c> unsqueezed on axes 2 and 3 to <c>[N, C, 1, 1]</c> (→ a view for Mul), as
    /// CnnGpu's exporter and PyTorch write it. The axes are an attribute before opset 13 and a constant input from 13.
    /// </summary>
    public static void Unsqueeze(ImportContext ctx, OnnxNode node)
    {
        bool axesInput = node.Opset >= 13;
        if (axesInput)
        {
            node.AllowOnly();
        }
        else
        {
            node.AllowOnly("axes");
        }

        long[] axes = axesInput
            ? ctx.Constant(node, 1, "axes", floats: false).Integers!
            : node.Ints("axes") ?? throw node.Error("axes is required.", "axes");
        long[] shape = ctx.ShapeOf(node, 0);
        if (ctx.TryConstant(node, 0) is not null)
        {
            throw node.Error($"input 0 ('{node.Input(0, "data")}') is a constant; constant folding is not supported.");
        }

        int rank = shape.Length + axes.Length;
        long[] normalized = [.. axes.Select(a => a < 0 ? a + rank : a).Order()];
        if (shape.Length == 2 && normalized is [2, 3])
        {
            ctx.BindGate(node.Output, ctx.Activation(node, 0));
            return;
        }

        throw node.Error(
            $"unsqueezing [{string.Join(", ", shape)}] on axes [{string.Join(", ", axes)}] is not supported; only an SE gate [N, C] → [N, C, 1, 1] (axes 2 and 3) is.",
            axesInput ? null : "axes");
    }

    public static void Softmax(ImportContext ctx, OnnxNode node)
    {
        node.AllowOnly("axis");
        long[] shape = ctx.ShapeOf(node, 0);
        bool coerced2d = node.Opset < 13;
        long axis = Normalize(node, "axis", node.Int("axis", coerced2d ? 1 : -1), shape.Length);

        // Before opset 13 the input is flattened to 2-D at axis; from 13 softmax runs along axis alone.
        bool channelSoftmax = axis == 1 && (!coerced2d || shape.Skip(2).All(d => d == 1));
        if (!channelSoftmax)
        {
            throw node.Error($"softmax over axis {node.Int("axis", coerced2d ? 1 : -1)} of shape [{string.Join(", ", shape)}] is not supported; only over the channel axis 1.", "axis");
        }

        ctx.Bind(node.Output, ctx.Emit(node, OpKind.Softmax, NoAttrs.Instance, ctx.Activation(node, 0)));
    }

    private static long[] Target(OnnxNode node, long[] shape, long[] requested, bool allowZero)
    {
        long[] target = [.. requested];
        long known = 1;
        int inferred = -1;
        for (int i = 0; i < target.Length; i++)
        {
            if (target[i] == 0 && !allowZero)
            {
                target[i] = i < shape.Length ? shape[i] : throw node.Error($"shape [{string.Join(", ", requested)}] copies dimension {i}, which the input does not have.", "shape");
            }

            if (target[i] == -1 && inferred < 0)
            {
                inferred = i;
            }
            else if (target[i] < 1)
            {
                throw node.Error($"shape [{string.Join(", ", requested)}] is not supported.", "shape");
            }
            else
            {
                known *= target[i];
            }
        }

        long count = shape.Aggregate(1L, (a, d) => a * d);
        if (inferred >= 0)
        {
            target[inferred] = count % known == 0 ? count / known : -1;
        }

        return target.Aggregate(1L, (a, d) => a * d) == count && target.All(d => d > 0)
            ? target
            : throw node.Error($"shape [{string.Join(", ", requested)}] does not fit an input of shape [{string.Join(", ", shape)}] (batch 1).", "shape");
    }

    /// <summary>
    /// A target shape computed from the input's own shape (folded Shape arithmetic) holds the batch as a
    /// symbol: at position 0 it means "keep the batch", which Reshape writes as 0. Anywhere else, or as a
    /// value computed from the batch, the shape depends on the batch size and cannot be imported.
    /// </summary>
    private static long[] BatchAsCopy(OnnxNode node, long[] requested)
    {
        for (int i = 0; i < requested.Length; i++)
        {
            if (requested[i] == OnnxConstant.BatchSymbol && i == 0)
            {
                requested = [0, .. requested[1..]];
            }
            else if (OnnxConstant.IsSymbol(requested[i]))
            {
                throw node.Error($"entry {i} of the target shape is computed from the batch size, which is not known at import time; only the batch itself as entry 0 is supported.", "shape");
            }
        }

        return requested;
    }

    private static long[] EqualSplit(OnnxNode node, int channels, int outputs)
    {
        long parts = node.Int("num_outputs", outputs);
        if (parts != outputs || channels % outputs != 0)
        {
            throw node.Error($"{channels} channels do not split evenly into {outputs} outputs.", "split");
        }

        return [.. Enumerable.Repeat((long)(channels / outputs), outputs)];
    }

    private static long Normalize(OnnxNode node, string attribute, long axis, int rank, bool allowRank = false)
    {
        long normalized = axis < 0 ? axis + rank : axis;
        int upper = allowRank ? rank : rank - 1;
        return normalized >= 0 && normalized <= upper
            ? normalized
            : throw node.Error($"axis {axis} is out of range for rank {rank}.", attribute);
    }
}
