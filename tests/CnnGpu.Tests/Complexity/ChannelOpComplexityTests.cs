using CnnGpu.Networks.Complexity;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Tests.Complexity;

/// <summary>
/// The new ops are counted like the other parameter-free, elementwise or data-movement ops (ReLU, Concat, SE
/// scaling): no parameters, no MACs (the papers' MAC counts are those of convolutions and fully connected
/// layers only), and their output as activation memory; the receptive field passes through unchanged.
/// </summary>
public sealed class ChannelOpComplexityTests
{
    [Fact]
    public void Clip_shuffle_slice_and_scale_add_no_params_or_macs_and_their_outputs_as_memory()
    {
        var b = new GraphBuilder("light", WeightInitializer.ShapesOnly);
        int x = b.Input("x", 3, 10, 10);
        int conv = b.Conv2d("conv", x, 12, Conv2dAttrs.Square(3, pad: 1), bias: false);
        int relu6 = b.Relu6("relu6", conv);
        int shuffle = b.ChannelShuffle("shuffle", relu6, 4);
        int slice = b.ChannelSlice("slice", shuffle, 2, 5);
        b.Output(b.Scale("scale", slice, 0.2f));
        var report = ComplexityAnalyzer.Analyze(b.Build());

        // conv: 12 filters · 3·3·3 weights · 10·10 outputs = 32,400 MACs and 324 weights (hand count).
        Assert.Equal(32_400, report.Layer("conv").Macs);
        Assert.Equal(324, report.TotalParams);
        Assert.Equal(32_400, report.TotalMacs);
        foreach (var (name, op, channels) in new[] { ("relu6", "clip", 12), ("shuffle", "shuffle", 12), ("slice", "slice", 5), ("scale", "scale", 5) })
        {
            var row = report.Layer(name);
            Assert.Equal(op, row.Op);
            Assert.Equal((0L, 0L), (row.Params, row.Macs));
            Assert.Equal(4L * channels * 10 * 10, row.ActivationBytes);
            Assert.Equal(3, row.ReceptiveField);
        }
    }
}
