using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime.Backends.Reference;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Passes;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Passes;

/// <summary>
/// Every graph pass keeps the logits of every distinct zoo architecture within 1e-5 relative (reference backend,
/// reduced input). Deeper versions built from the same blocks as a shallower one (ResNet-101/152 of ResNet-50's
/// bottlenecks, VGG-13/19 of VGG-11/16's stages, the SE variants of SE-ResNet-50's gate, …) add no pattern a pass
/// could rewrite differently, only minutes on the reference backend, so they are left to the end-to-end tests.
/// </summary>
public sealed class PassEquivalenceTests
{
    /// <summary>Same blocks as a network that stays in the list (named in the comment).</summary>
    private static readonly HashSet<string> SameBlocksAsAnother =
    [
        "resnet101", "resnet152",               // resnet50
        "se-resnet101", "se-resnet152",         // se-resnet50
        "resnext101-32x4d", "se-resnext101",    // resnext50-32x4d, se-resnext50
        "vgg13", "vgg19",                       // vgg11, vgg16
        "se-inception-resnet-v2",               // inception-resnet-v2 + the SE gate of se-resnet50
    ];

    public static TheoryData<string, int> Networks
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (var row in ZooCases.ReducedInputs())
            {
                if (!SameBlocksAsAnother.Contains((string)row[0]))
                {
                    data.Add((string)row[0], (int)row[1]);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Each_pass_keeps_the_logits(string network, int size)
    {
        var graph = ZooCases.Logits(NetworkZoo.Build(network, new NetworkOptions(size, Classes: 100)));
        var input = RandomData.Uniform(77, 0f, 1f, 1, 3, size, size);
        var expected = Run(graph, input);
        float scale = expected.Max(Math.Abs);
        var rewritten = graph;
        foreach (var pass in GraphOptimizer.DefaultPasses)
        {
            rewritten = pass.Apply(rewritten);
            Tolerance.AssertClose(expected, Run(rewritten, input), $"{network} after {pass.Name}", 1e-5f * scale, 1e-5f);
        }
    }

    [Theory]
    [InlineData("resnet50", 53, 0, 0)]
    [InlineData("googlenet", 0, 0, 0)]
    [InlineData("vgg16", 0, 0, 0)]
    public void Pipeline_leaves_no_batch_norm_dropout_or_standalone_relu(string network, int foldedBatchNorms, int batchNormsLeft, int reluLeft)
    {
        var graph = NetworkZoo.Build(network, new NetworkOptions(32 * (network == "googlenet" ? 2 : 1), Classes: 10));
        int before = graph.Nodes.Count(n => n.Kind == OpKind.BatchNorm);
        var optimized = GraphOptimizer.Optimize(graph);
        Assert.Equal(foldedBatchNorms, before);
        Assert.Equal(batchNormsLeft, optimized.Nodes.Count(n => n.Kind == OpKind.BatchNorm));
        Assert.Equal(reluLeft, optimized.Nodes.Count(n => n.Kind == OpKind.Relu));
        Assert.DoesNotContain(optimized.Nodes, n => n.Kind is OpKind.Dropout or OpKind.Identity);
    }

    [Fact]
    public void Residual_add_and_relu_fuse_into_the_convolution_that_ends_each_block()
    {
        var graph = NetworkZoo.Build("resnet18", new NetworkOptions(32, Classes: 10));
        int adds = graph.Nodes.Count(n => n.Kind == OpKind.Add);
        var optimized = GraphOptimizer.Optimize(graph);
        Assert.DoesNotContain(optimized.Nodes, n => n.Kind == OpKind.Add);
        var residual = optimized.Nodes.Where(n => n.Attributes is Conv2dAttrs { Residual: true }).ToList();
        Assert.Equal(adds, residual.Count);
        Assert.All(residual, n =>
        {
            // The block's last conv, or its projection where that comes later in the graph.
            Assert.True(n.Name.EndsWith("conv2", StringComparison.Ordinal) || n.Name.EndsWith("downsample.0", StringComparison.Ordinal), n.Name);
            Assert.Equal(FusedActivation.Relu, ((Conv2dAttrs)n.Attributes).Activation);
            Assert.Equal(4, n.Inputs.Length);                               // x, folded weights, folded bias, skip
        });
        Assert.All(optimized.Nodes.Where(n => n.Kind == OpKind.Conv2d && n.Name.EndsWith("conv1", StringComparison.Ordinal)),
            n => Assert.Equal(FusedActivation.Relu, ((Conv2dAttrs)n.Attributes).Activation));
        Assert.All(optimized.Nodes.Where(n => n.Attributes is Conv2dAttrs { Residual: false }), n => Assert.Equal(3, n.Inputs.Length));
    }

    [Fact]
    public void Se_gate_keeps_its_structure_and_fuses_the_squeeze_relu()
    {
        var optimized = GraphOptimizer.Optimize(NetworkZoo.Build("se-resnet50", new NetworkOptions(32, Classes: 10)));
        var fc1 = optimized.Nodes.Single(n => n.Name == "layer1.0.se.fc1");
        Assert.Equal(FusedActivation.Relu, ((FullyConnectedAttrs)fc1.Attributes).Activation);
        Assert.Single(optimized.Nodes, n => n.Name == "layer1.0.se.sigmoid");
        Assert.Single(optimized.Nodes, n => n.Name == "layer1.0.se.scale");
    }

    [Fact]
    public void Relu_that_feeds_a_second_reader_is_not_fused()
    {
        var b = new GraphBuilder("shared");
        int x = b.Input("data", 3, 8, 8);
        int conv = b.Conv2d("conv", x, 4, Conv2dAttrs.Square(3, pad: 1));
        int relu = b.Relu("relu", conv);
        b.Output(relu);
        b.Output(b.Sum("add", conv, relu));
        var optimized = new FuseActivationPass().Apply(b.Build());
        Assert.Single(optimized.Nodes, n => n.Kind == OpKind.Relu);
        Assert.Equal(FusedActivation.None, ((Conv2dAttrs)optimized.Nodes.Single(n => n.Kind == OpKind.Conv2d).Attributes).Activation);
    }

    private static float[] Run(ComputeGraph graph, Runtime.Tensors.Tensor input)
    {
        using var executor = new Executor(graph, new ReferenceBackend());
        return executor.Run(input).Data;
    }

}
