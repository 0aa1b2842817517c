using CnnGpu.Networks.Io;
using CnnGpu.Networks.Onnx;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Passes;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Onnx;

/// <summary>
/// Real torch.onnx exports (torch 1.13, opset 13, dynamic batch axis) of small torchvision models, written
/// by Files/make_torch_exports.py with torch's own outputs beside them: the importer takes each as exported
/// (shared initializers behind Identity, Clip with Constant bounds, Shape arithmetic feeding the channel
/// shuffle's Reshape/Transpose, Slice channel splits, ReduceMean) and the optimised graph matches ONNX
/// Runtime and torch within 1e-4 relative (of the largest logit) at batch 1 and 3, on reference, ilgpu-cpu and cpu.
/// </summary>
public abstract class TorchExportTests(BackendFixture fixture)
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string model in new[] { "vgg-tiny", "mobilenet_v2-0.25", "shufflenet_v2-0.5", "resnext-tiny" })
        {
            data.Add(model, 1);
            data.Add(model, 3);
        }

        return data;
    }

    public static string Folder => Path.Combine(TestFiles.RepositoryRoot, "tests", "CnnGpu.Tests", "Onnx", "Files");

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Export_imports_and_matches_onnx_runtime_and_torch(string model, int batch)
    {
        var backend = fixture.Require();
        string path = Path.Combine(Folder, model + ".onnx");
        var input = NpyFile.Read(Path.Combine(Folder, $"{model}.input-b{batch}.npy"));
        var torch = NpyFile.Read(Path.Combine(Folder, $"{model}.torch-b{batch}.npy"));

        var graph = GraphOptimizer.Optimize(OnnxImporter.Load(path));
        using var executor = new Executor(graph, backend);
        var actual = executor.Run(input);
        using var oracle = new OrtOracle(path);
        var ort = oracle.Run(input)[0];

        Assert.Equal(ort.Shape, actual.Shape);
        float scale = ort.Data.Max(Math.Abs);
        Tolerance.AssertClose(ort.Data, actual.Data, $"{model} b{batch} vs ONNX Runtime on {backend.Name}", 1e-4f * scale, 1e-4f);
        Tolerance.AssertClose(torch.Data, actual.Data, $"{model} b{batch} vs torch on {backend.Name}", 1e-4f * scale, 1e-4f);
        Assert.True(ort.Data.Max() - ort.Data.Min() > 1e-3f * scale, $"{model}: the logits are flat, so the comparison proves little");
    }

    [Theory]
    [InlineData("vgg-tiny", OpKind.Conv2d, 6)]
    [InlineData("mobilenet_v2-0.25", OpKind.Clip, 35)]
    [InlineData("shufflenet_v2-0.5", OpKind.ChannelShuffle, 16)]
    [InlineData("shufflenet_v2-0.5", OpKind.ChannelSlice, 26)]
    [InlineData("resnext-tiny", OpKind.Conv2d, 16)]
    public void Export_imports_the_patterns_natively(string model, OpKind kind, int count)
    {
        // Counts from the models' definitions: VGG-tiny's 6 convolutions; ResNeXt-tiny's stem, 3 per block in
        // 4 blocks and 3 projection shortcuts (layer1 keeps 64 channels, so it has none); MobileNet-v2's 35
        // ReLU6 (torch's verbose export lists 35 Clip nodes); ShuffleNet-v2's 16 shuffles (4 + 8 + 4 blocks)
        // and 26 channel-split Slices (2 per stride-1 block: 3 + 7 + 3 blocks).
        var graph = OnnxImporter.Load(Path.Combine(Folder, model + ".onnx"));
        Assert.Equal(count, graph.Nodes.Count(n => n.Kind == kind));
        Assert.DoesNotContain(graph.Nodes, n => n.Kind == OpKind.Identity);
    }

    [Fact]
    public void Vgg_export_shares_its_zero_biases_behind_identity_nodes_which_fold_away()
    {
        string path = Path.Combine(Folder, "vgg-tiny.onnx");
        var raw = Networks.Onnx.Protos.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph;
        var initializers = raw.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        Assert.Contains(raw.Node, n => n.OpType == "Identity" && initializers.Contains(n.Input[0]));
        Assert.Contains(raw.Node, n => n.OpType == "Conv" && raw.Node.Any(i => i.OpType == "Identity" && i.Output[0] == n.Input[2]));

        var graph = OnnxImporter.Load(path);
        Assert.DoesNotContain(graph.Nodes, n => n.Kind == OpKind.Identity);
        Assert.All(graph.Nodes.Where(n => n.Kind == OpKind.Conv2d), n => Assert.Equal(3, n.Inputs.Length));
    }

    [Fact]
    public void Mobilenet_relu6_clips_all_fuse_into_their_convolutions()
    {
        var graph = GraphOptimizer.Optimize(OnnxImporter.Load(Path.Combine(Folder, "mobilenet_v2-0.25.onnx")));
        Assert.DoesNotContain(graph.Nodes, n => n.Kind == OpKind.Clip);
        Assert.Equal(35, graph.Nodes.Count(n => n.Attributes is Conv2dAttrs { Activation: FusedActivation.Relu6 }));
    }
}

[Collection(OnReference.Name)]
public sealed class ReferenceTorchExportTests(ReferenceFixture fixture) : TorchExportTests(fixture);

[Collection(OnCpu.Name)]
public sealed class CpuTorchExportTests(CpuFixture fixture) : TorchExportTests(fixture);

[Collection(OnCpu128.Name)]
public sealed class Cpu128TorchExportTests(Cpu128Fixture fixture) : TorchExportTests(fixture);

[Collection(OnIlgpuCpu.Name)]
public sealed class IlgpuCpuTorchExportTests(IlgpuCpuFixture fixture) : TorchExportTests(fixture);
