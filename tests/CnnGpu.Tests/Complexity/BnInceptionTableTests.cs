namespace CnnGpu.Tests.Complexity;

/// <summary>BN-Inception (Ioffe &amp; Szegedy 2015, Figure 5): output sizes, and each module's MACs from its widths.</summary>
public sealed class BnInceptionTableTests
{
    [Theory]
    [InlineData("conv1", "64x112x112")]
    [InlineData("pool1", "64x56x56")]
    [InlineData("conv2", "192x56x56")]
    [InlineData("pool2", "192x28x28")]
    [InlineData("inception_3a", "256x28x28")]
    [InlineData("inception_3b", "320x28x28")]
    [InlineData("inception_3c", "576x14x14")]
    [InlineData("inception_4a", "576x14x14")]
    [InlineData("inception_4b", "576x14x14")]
    [InlineData("inception_4c", "576x14x14")]
    [InlineData("inception_4d", "576x14x14")]
    [InlineData("inception_4e", "1024x7x7")]
    [InlineData("inception_5a", "1024x7x7")]
    [InlineData("inception_5b", "1024x7x7")]
    public void Output_sizes_match_figure_5(string block, string output)
    {
        Assert.Equal(output, Reports.Of("bn-inception").InBlock(block).Last().OutputText);
        Assert.Equal(output, Reports.Of("se-bn-inception").InBlock(block).Last().OutputText);
    }

    // Figure 5's widths: input side, output side, input channels, #1×1, #3×3 reduce, #3×3, double #3×3 reduce, double #3×3, pool proj.
    [Theory]
    [InlineData("inception_3a", 28, 28, 192, 64, 64, 64, 64, 96, 32)]
    [InlineData("inception_3c", 28, 14, 320, 0, 128, 160, 64, 96, 0)]
    [InlineData("inception_4c", 14, 14, 576, 160, 128, 160, 128, 160, 96)]
    [InlineData("inception_4e", 14, 7, 576, 0, 128, 192, 192, 256, 0)]
    [InlineData("inception_5b", 7, 7, 1024, 352, 192, 320, 192, 224, 128)]
    public void Module_macs_follow_from_the_widths(string module, int side, int outSide, int cin, int c1, int r3, int c3, int rd, int d3, int proj)
    {
        // 1×1s and the first double 3×3 run at the input side; the strided 3×3s at the output side.
        long atInput = ((long)cin * (c1 + r3 + rd + proj)) + (9L * rd * d3);
        long atOutput = (9L * r3 * c3) + (9L * d3 * d3);
        long expected = (atInput * side * side) + (atOutput * outSide * outSide);
        Assert.Equal(expected, Reports.Of("bn-inception").InBlock(module).Sum(l => l.Macs));
    }

    [Fact]
    public void Every_convolution_is_followed_by_batch_norm_and_there_is_no_lrn()
    {
        var r = Reports.Of("bn-inception");
        Assert.All(r.Layers.Select((l, i) => (l, i)).Where(p => p.l.Op == "conv"), p => Assert.Equal("batchnorm", r.Layers[p.i + 1].Op));
        Assert.DoesNotContain(r.Layers, l => l.Op is "lrn" or "dropout");
        Assert.Equal(10, Reports.Of("se-bn-inception").Layers.Count(l => l.Op == "channelscale"));
    }
}
