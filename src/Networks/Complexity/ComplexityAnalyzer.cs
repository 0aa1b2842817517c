using System.Collections.Immutable;
using System.Globalization;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Planning;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Networks.Complexity;

/// <summary>Computes a <see cref="ComplexityReport"/> from a graph: shapes, params, MACs, memory, receptive fields.</summary>
public static class ComplexityAnalyzer
{
    /// <summary>The lowercase op names used in reports and JSON.</summary>
    /// <param name="kind">An op.</param>
    public static string OpName(OpKind kind) => kind switch
    {
        OpKind.Conv2d => "conv",
        OpKind.FullyConnected => "fc",
        OpKind.MaxPool => "maxpool",
        OpKind.AvgPool => "avgpool",
        OpKind.GlobalAvgPool => "globalavgpool",
        OpKind.Lrn => "lrn",
        OpKind.BatchNorm => "batchnorm",
        OpKind.Relu => "relu",
        OpKind.Sigmoid => "sigmoid",
        OpKind.ChannelScale => "channelscale",
        OpKind.Add => "add",
        OpKind.Concat => "concat",
        OpKind.Softmax => "softmax",
        OpKind.Flatten => "flatten",
        OpKind.Dropout => "dropout",
        OpKind.Identity => "identity",
        OpKind.Clip => "clip",
        OpKind.ChannelShuffle => "shuffle",
        OpKind.ChannelSlice => "slice",
        OpKind.Scale => "scale",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>Analyses <paramref name="graph"/> for one image.</summary>
    /// <param name="graph">A graph with one image input.</param>
    public static ComplexityReport Analyze(ComputeGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var shapes = ShapeInference.Infer(graph, 1);
        var field = new ReceptiveFields(graph);
        var rows = ImmutableArray.CreateBuilder<LayerComplexity>(graph.Nodes.Length);
        foreach (var node in graph.Nodes)
        {
            var input = shapes[node.Inputs[0]];
            var output = shapes[node.Output];
            field.Propagate(node, shapes);
            rows.Add(Row(graph, node, input, output, shapes, field.Of(node.Output)) with { GlobalContext = field.SeesGlobalContext(node.Output) });
        }

        var item = graph.Inputs.Length > 0 ? graph.Inputs[0].ItemShape.Dimensions : [];
        return new ComplexityReport(graph.Name, item, rows.ToImmutable());
    }

    private static LayerComplexity Row(ComputeGraph graph, Node node, TensorShape input, TensorShape output, TensorShape[] shapes, int receptiveField)
    {
        long parameters = node.Kind == OpKind.BatchNorm
            ? 2L * input[1]
            : node.Inputs.Where(id => graph.Values[id].IsConstant).Sum(id => (long)shapes[id].ElementCount);
        long weights = node.Kind is OpKind.Conv2d or OpKind.FullyConnected ? shapes[node.Inputs[1]].ElementCount : 0;
        long macs = node.Kind switch
        {
            OpKind.Conv2d => (long)output.CountFrom(1) * shapes[node.Inputs[1]].CountFrom(1),
            OpKind.FullyConnected => weights,
            _ => 0,
        };

        var (filters, kernel, stride, pad, groups) = Window(node, output);
        return new LayerComplexity(
            node.Name, node.Block ?? InferBlock(node.Name), OpName(node.Kind),
            [.. input.Dimensions.Skip(1)], [.. output.Dimensions.Skip(1)],
            filters, kernel, stride, pad, groups, parameters, weights, macs, 4L * output.CountFrom(1), receptiveField);
    }

    private static (int? Filters, string? Kernel, string? Stride, string? Pad, int Groups) Window(Node node, TensorShape output)
    {
        static string Pair(int a, int b) => a == b ? a.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{a}x{b}");
        static string Kernel(int h, int w) => string.Create(CultureInfo.InvariantCulture, $"{h}x{w}");
        return node.Attributes switch
        {
            Conv2dAttrs c => (output[1], Kernel(c.KernelH, c.KernelW), Pair(c.StrideH, c.StrideW), c.Pads.ToString(), c.Groups),
            MaxPoolAttrs m => (null, Kernel(m.Window.KernelH, m.Window.KernelW), Pair(m.Window.StrideH, m.Window.StrideW), m.Window.Pads.ToString(), 1),
            AvgPoolAttrs a => (null, Kernel(a.Window.KernelH, a.Window.KernelW), Pair(a.Window.StrideH, a.Window.StrideW), a.Window.Pads.ToString(), 1),
            FullyConnectedAttrs => (output[1], null, null, null, 1),
            _ => (null, null, null, null, 1),
        };
    }

    /// <summary>Blocks for graphs without them (ONNX imports): the name's first dotted segment.</summary>
    private static string InferBlock(string name)
    {
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? name[..dot] : name;
    }
}
