using CnnGpu.Networks.Imaging;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Tests.Onnx;

/// <summary>The imported CNTK ResNet-18 keeps the file's structure and quirks; the photos load as the featurizer expects.</summary>
public sealed class ResNet18ImportTests
{
    [Fact]
    public void Imported_graph_keeps_the_cntk_structure_and_asymmetric_pads()
    {
        var graph = ResNet18Oracle.Graph;
        Assert.Equal(new TensorShape(3, 224, 224), Assert.Single(graph.Inputs).ItemShape);

        // Stage 4 of this export has three blocks: 1 stem + 2·9 block convs + 3 projections.
        Assert.Equal(22, graph.Nodes.Count(n => n.Kind == OpKind.Conv2d));
        Assert.Equal(22, graph.Nodes.Count(n => n.Kind == OpKind.BatchNorm));
        Assert.Equal(9, graph.Nodes.Count(n => n.Kind == OpKind.Add));
        Assert.Equal(new Padding2d(3, 3, 2, 2), ((Conv2dAttrs)graph.Nodes[0].Attributes).Pads);
        Assert.Equal(new Padding2d(1, 1, 0, 0), ((MaxPoolAttrs)graph.Nodes.Single(n => n.Kind == OpKind.MaxPool).Attributes).Window.Pads);
        Assert.Equal(OpKind.AvgPool, graph.Nodes[^1].Kind);
        // Conv weights 15,885,504 (stage 4: 256·512·9 + 5·512·512·9 + 256·512) plus BN γ and β for 5,824 channels.
        Assert.Equal(15_885_504 + (2 * 5_824), graph.Parameters.Sum(p => (long)p.Constant!.Shape.ElementCount) - BatchNormStatistics(graph));
    }

    [Fact]
    public void Preprocessing_graph_swaps_to_bgr_and_subtracts_the_mean_image()
    {
        var graph = ResNet18Oracle.PreprocessGraph;
        // The RGB → BGR swap is a Split into three channels (one ChannelSlice each), then a Concat.
        Assert.Equal(3, graph.Nodes.Count(n => n.Kind == OpKind.ChannelSlice));
        Assert.Contains(graph.Nodes, n => n.Kind == OpKind.Concat);
        Assert.Contains(graph.Nodes, n => n.Kind == OpKind.Add);
    }

    [Fact]
    public void Photos_load_as_planar_rgb_0_to_255()
    {
        var images = ResNet18Oracle.Images;
        Assert.Equal(new TensorShape(4, 3, 224, 224), images.Shape);
        Assert.InRange(images.Data.Min(), 0f, 255f);
        Assert.InRange(images.Data.Max(), 0f, 255f);
        Assert.True(images.Data.Max() > 200f && images.Data.Min() < 50f, "the photos should span the 0–255 range");

        // Planar RGB: a single image's first plane is red, and Load gives the same pixels as LoadBatch.
        var cat = ImageLoader.Load(Path.Combine(TestFiles.Samples, "chelsea.png"), 224, 224);
        Assert.Equal(ResNet18Oracle.Item(images, 0).Data, cat.Data);
    }

    private static long BatchNormStatistics(ComputeGraph graph) =>
        graph.Nodes.Where(n => n.Kind == OpKind.BatchNorm).Sum(n => 2L * graph.Values[n.Inputs[1]].Constant!.Shape.ElementCount);
}
