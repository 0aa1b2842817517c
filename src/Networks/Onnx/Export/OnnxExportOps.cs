using System.Collections.Frozen;
using CnnGpu.Networks.Onnx.Protos;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;
using static CnnGpu.Networks.Onnx.Export.OnnxProtos;

namespace CnnGpu.Networks.Onnx.Export;

/// <summary>How one <see cref="OpKind"/> is written: the attribute record it must carry and the writer that emits its ONNX node(s).</summary>
/// <param name="Attributes">The attribute record type a node of this op carries.</param>
/// <param name="Write">Appends the ONNX node(s) computing the node's output.</param>
internal sealed record OpExport(Type Attributes, Action<ExportContext, Node> Write);

/// <summary>
/// The one table mapping every CnnGpu op onto ONNX (opset 13) nodes. An op missing here cannot be
/// exported; <see cref="OnnxExporter"/> reports it by node and op before writing anything.
/// </summary>
internal static class OnnxExportOps
{
    /// <summary>The ONNX form of each exportable op.</summary>
    public static FrozenDictionary<OpKind, OpExport> Table { get; } = new Dictionary<OpKind, OpExport>
    {
        [OpKind.Conv2d] = Op<Conv2dAttrs>(Conv),
        [OpKind.MaxPool] = Op<MaxPoolAttrs>((ctx, node, a) => ctx.Emit("MaxPool", node.Name, ctx.Inputs(node), ctx.Value(node.Output), [.. Window(a.Window)])),
        [OpKind.AvgPool] = Op<AvgPoolAttrs>((ctx, node, a) => ctx.Emit("AveragePool", node.Name, ctx.Inputs(node), ctx.Value(node.Output), [.. Window(a.Window), Int("count_include_pad", a.CountIncludePad ? 1 : 0)])),
        [OpKind.GlobalAvgPool] = Same("GlobalAveragePool"),
        [OpKind.Lrn] = Op<LrnAttrs>((ctx, node, a) => ctx.Emit("LRN", node.Name, ctx.Inputs(node), ctx.Value(node.Output), Int("size", a.Size), Float("alpha", a.Alpha), Float("beta", a.Beta), Float("bias", a.Bias))),
        [OpKind.BatchNorm] = Op<BatchNormAttrs>((ctx, node, a) => ctx.Emit("BatchNormalization", node.Name, ctx.Inputs(node), ctx.Value(node.Output), Float("epsilon", a.Epsilon))),
        [OpKind.Relu] = Same("Relu"),
        [OpKind.Sigmoid] = Same("Sigmoid"),
        [OpKind.ChannelScale] = Op<NoAttrs>(ChannelScale),
        [OpKind.Add] = Op<OpAttributes>(Add),
        [OpKind.Concat] = Same("Concat", Int("axis", 1)),
        [OpKind.FullyConnected] = Op<FullyConnectedAttrs>(FullyConnected),
        [OpKind.Softmax] = Same("Softmax", Int("axis", 1)),
        [OpKind.Flatten] = Same("Flatten", Int("axis", 1)),

        // Both are identities at inference; ONNX Dropout would also work but invites a training-mode reading.
        [OpKind.Dropout] = new(typeof(DropoutAttrs), (ctx, node) => ctx.Emit("Identity", node.Name, ctx.Inputs(node), ctx.Value(node.Output))),
        [OpKind.Identity] = Same("Identity"),
        [OpKind.Clip] = Op<ClipAttrs>((ctx, node, a) => ctx.EmitClip(node.Name, ctx.Value(node.Inputs[0]), ctx.Value(node.Output), a.Min, a.Max)),
        [OpKind.Scale] = Op<ScaleAttrs>((ctx, node, a) => ctx.Emit("Mul", node.Name, [ctx.Value(node.Inputs[0]), ctx.FloatScalar("scale_factor", a.Factor)], ctx.Value(node.Output))),
        [OpKind.ChannelShuffle] = Op<ChannelShuffleAttrs>(ChannelShuffle),
        [OpKind.ChannelSlice] = Op<ChannelSliceAttrs>((ctx, node, a) => ctx.Emit(
            "Slice", node.Name,
            [ctx.Value(node.Inputs[0]), ctx.Int64Constant("slice_starts", [a.Start]), ctx.Int64Constant("slice_ends", [a.Start + a.Count]), ctx.Int64Constant("slice_axes", [1])],
            ctx.Value(node.Output))),
    }.ToFrozenDictionary();

    private static OpExport Op<T>(Action<ExportContext, Node, T> write)
        where T : OpAttributes => new(typeof(T), (ctx, node) => write(ctx, node, (T)node.Attributes));

    /// <summary>An op whose ONNX node takes the same inputs and fixed attributes.</summary>
    private static OpExport Same(string opType, params AttributeProto[] attributes) =>
        Op<NoAttrs>((ctx, node, _) => ctx.Emit(opType, node.Name, ctx.Inputs(node), ctx.Value(node.Output), [.. attributes.Select(a => a.Clone())]));

    private static void Conv(ExportContext ctx, Node node, Conv2dAttrs a)
    {
        AttributeProto[] attributes =
        [
            Ints("kernel_shape", a.KernelH, a.KernelW),
            Ints("strides", a.StrideH, a.StrideW),
            Pads(a.Pads),
            Ints("dilations", a.DilationH, a.DilationW),
            Int("group", a.Groups),
        ];
        string[] inputs = ctx.Inputs(node);
        if (!a.Residual)
        {
            ctx.EmitWithActivation(node, a.Activation, "Conv", inputs, attributes);
            return;
        }

        // A fused skip connection is Conv, then Add of the residual (then the activation).
        string convolved = ctx.NewValue($"{ctx.Value(node.Output)}.conv");
        ctx.Emit("Conv", node.Name, inputs[..^1], convolved, attributes);
        ctx.EmitWithActivation(node with { Name = $"{node.Name}.residual" }, a.Activation, "Add", [convolved, inputs[^1]]);
    }

    /// <summary>
    /// The channel shuffle as torch.onnx writes it: Reshape to <c>[N, g, c, H, W]</c>, Transpose(0, 2, 1, 3, 4),
    /// Reshape back (0 copies the batch dimension, so the file works at any batch size).
    /// </summary>
    private static void ChannelShuffle(ExportContext ctx, Node node, ChannelShuffleAttrs a)
    {
        var x = ctx.Shapes[node.Inputs[0]];
        string input = ctx.Value(node.Inputs[0]);
        string grouped = ctx.NewValue($"{input}.grouped"), transposed = ctx.NewValue($"{input}.transposed");
        ctx.Emit("Reshape", $"{node.Name}.group", [input, ctx.Int64Constant("shuffle_shape", [0, a.Groups, x[1] / a.Groups, x[2], x[3]])], grouped);
        ctx.Emit("Transpose", $"{node.Name}.transpose", [grouped], transposed, Ints("perm", 0, 2, 1, 3, 4));
        ctx.Emit("Reshape", node.Name, [transposed, ctx.Int64Constant("unshuffle_shape", [0, x[1], x[2], x[3]])], ctx.Value(node.Output));
    }

    private static AttributeProto[] Window(PoolWindow w) =>
    [
        Ints("kernel_shape", w.KernelH, w.KernelW),
        Ints("strides", w.StrideH, w.StrideW),
        Pads(w.Pads),
        Int("ceil_mode", w.CeilMode ? 1 : 0),
    ];

    /// <summary>ONNX orders pads as all beginnings then all ends: [top, left, bottom, right].</summary>
    private static AttributeProto Pads(Padding2d p) => Ints("pads", p.Top, p.Left, p.Bottom, p.Right);

    /// <summary>
    /// <c>x·s</c> per channel. ONNX Mul broadcasts from the trailing axis, so the gate must be
    /// <c>[N, C, 1, 1]</c>: a <c>[N, C]</c> gate (SE after its FC layers) is unsqueezed on axes 2 and 3;
    /// any other layout of the N·C gate values is reshaped to <c>[N, C, 1, 1]</c>.
    /// </summary>
    private static void ChannelScale(ExportContext ctx, Node node, NoAttrs _)
    {
        TensorShape x = ctx.Shapes[node.Inputs[0]], s = ctx.Shapes[node.Inputs[1]];
        string gate = ctx.Value(node.Inputs[1]);
        int channels = x[1];
        if (s.Rank == 2)
        {
            string unsqueezed = ctx.NewValue($"{gate}.unsqueezed");
            ctx.Emit("Unsqueeze", $"{node.Name}.unsqueeze", [gate, ctx.Int64Constant("unsqueeze_axes", [2, 3])], unsqueezed);
            gate = unsqueezed;
        }
        else if (!(s.Rank == 4 && s[1] == channels && s[2] == 1 && s[3] == 1))
        {
            string reshaped = ctx.NewValue($"{gate}.reshaped");

            // 0 copies the batch dimension, so the file keeps working at any batch size.
            ctx.Emit("Reshape", $"{node.Name}.reshape", [gate, ctx.Int64Constant("gate_shape", [0, channels, 1, 1])], reshaped);
            gate = reshaped;
        }

        ctx.Emit("Mul", node.Name, [ctx.Value(node.Inputs[0]), gate], ctx.Value(node.Output));
    }

    /// <summary>A sum, with an optional fused ReLU. A batch-1 second operand broadcasts under ONNX's NumPy rules as it does here.</summary>
    private static void Add(ExportContext ctx, Node node, OpAttributes attributes)
    {
        var activation = attributes switch
        {
            AddAttrs a => a.Activation,
            NoAttrs => FusedActivation.None,
            _ => throw ctx.Error(node, $"its attributes are {attributes.GetType().Name}; Add takes {nameof(NoAttrs)} or {nameof(AddAttrs)}."),
        };
        ctx.EmitWithActivation(node, activation, "Add", ctx.Inputs(node));
    }

    /// <summary>Gemm computes <c>A·B' + C</c>; CnnGpu's usual <c>[out, in]</c> weights need B transposed (transB = 1).</summary>
    private static void FullyConnected(ExportContext ctx, Node node, FullyConnectedAttrs a) =>
        ctx.EmitWithActivation(node, a.Activation, "Gemm", ctx.Inputs(node), Int("transB", a.TransposedWeight ? 0 : 1));
}
