using CnnGpu.Networks.Onnx;
using CnnGpu.Networks.Onnx.Export;
using CnnGpu.Networks.Onnx.Protos;
using CnnGpu.Runtime.Backends.Reference;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Passes;
using CnnGpu.Tests.Support;
using Google.Protobuf;

namespace CnnGpu.Tests.Onnx;

/// <summary>
/// The lightweight networks' ops export to ONNX that ONNX Runtime runs like the reference backend, and
/// re-import as the same ops (ReLU6 fused into its convolution leaves as Conv → Clip and returns as a Clip).
/// </summary>
public sealed class ChannelOpExportTests
{
    [Fact]
    public void Relu6_shuffle_slice_scale_and_clip_export_run_in_onnx_runtime_and_reimport_as_themselves()
    {
        var b = new GraphBuilder("lightweight", new WeightInitializer(11));
        int x = b.Input("x", 3, 8, 8);
        int conv = b.Conv2d("conv", x, 24, Conv2dAttrs.Square(3, pad: 1));
        int relu6 = b.Relu6("relu6", b.Scale("gain", conv, 4f));
        int shuffled = b.ChannelShuffle("shuffle", relu6, 3);
        int sliced = b.ChannelSlice("split", shuffled, 5, 13);
        int pointwise = b.Conv2d("pw", sliced, 16, Conv2dAttrs.Square(1));
        int activated = b.Relu6("pw_relu6", pointwise);
        int clipped = b.Clip("clip", b.Scale("scale", activated, 0.2f), -0.5f, 0.5f);
        b.Output(b.Flatten("flatten", b.GlobalAvgPool("pool", clipped)));
        var graph = GraphOptimizer.Optimize(b.Build());
        Assert.Contains(graph.Nodes, n => n.Attributes is Conv2dAttrs { Activation: FusedActivation.Relu6 });

        var input = RandomData.Symmetric(23, 2, 3, 8, 8);
        byte[] bytes = OnnxExporter.Export(graph).ToByteArray();
        using var oracle = new OrtOracle(bytes);
        var expected = oracle.Run(input)[0];
        using var reference = new Executor(graph, new ReferenceBackend());
        var actual = reference.Run(input);
        Tolerance.AssertClose(expected.Data, actual.Data, "lightweight ops exported");
        Assert.True(expected.Data.Max() - expected.Data.Min() > 1e-3f, "the output is flat, so the comparison proves little");

        var reimported = OnnxImporter.Import(ModelProto.Parser.ParseFrom(bytes));
        Assert.Equal(1, reimported.Nodes.Count(n => n.Kind == OpKind.ChannelShuffle));
        Assert.Equal(1, reimported.Nodes.Count(n => n.Kind == OpKind.ChannelSlice));
        Assert.Equal(2, reimported.Nodes.Count(n => n.Kind == OpKind.Scale));
        Assert.Equal(3, reimported.Nodes.Count(n => n.Kind == OpKind.Clip));
        using var again = new Executor(reimported, new ReferenceBackend());
        Tolerance.AssertExact(actual.Data, again.Run(input).Data, "re-imported export");
    }
}
