namespace CnnGpu.Tests.Complexity;

/// <summary>
/// The lightweight networks against their papers at 224×224: MobileNet v1 (Howard et al., Table 8: 569M
/// mult-adds, 4.2M parameters), MobileNet v2 (Sandler et al., Table 4: 300M, 3.4M — torchvision's 3.5M with
/// the 1000-class FC), ShuffleNet v2 1.0× (Ma et al., Table 8: 146M FLOPs, 2.3M parameters).
/// </summary>
public sealed class LightweightTableTests
{
    [Theory]
    [InlineData("mobilenet-v1", 569, 4.2)]
    [InlineData("mobilenet-v2", 300, 3.5)]
    [InlineData("shufflenet-v2-1.0", 146, 2.3)]
    public void Macs_and_params_match_the_papers(string network, int megaMacs, double megaParams)
    {
        var report = Reports.Of(network);
        Assert.InRange(report.TotalMacs / 1e6, megaMacs * 0.99, megaMacs * 1.01);
        Assert.Equal(megaParams, Math.Round(report.TotalParams / 1e6, 1));
    }

    [Fact]
    public void Mobilenet_v1_follows_table_1()
    {
        var r = Reports.Of("mobilenet-v1");
        Assert.Equal("32x112x112", r.InBlock("conv1").Last().OutputText);
        Assert.Equal("1024x7x7", r.InBlock("conv_dw13").Last().OutputText);
        // Every 3×3 but the first is depthwise: one group per channel.
        Assert.All(r.Layers.Where(l => l.Op == "conv" && l.Kernel == "3x3").Skip(1), l => Assert.Equal(l.Input[0], l.Groups));
        Assert.Equal(13, r.Layers.Count(l => l.Op == "conv" && l.Kernel == "1x1"));
    }

    [Theory]
    [InlineData("bottleneck1", "16x112x112")]
    [InlineData("bottleneck2", "24x56x56")]
    [InlineData("bottleneck3", "32x28x28")]
    [InlineData("bottleneck4", "64x14x14")]
    [InlineData("bottleneck5", "96x14x14")]
    [InlineData("bottleneck6", "160x7x7")]
    [InlineData("bottleneck7", "320x7x7")]
    [InlineData("conv2", "1280x7x7")]
    public void Mobilenet_v2_follows_table_2(string block, string output) =>
        Assert.Equal(output, Reports.Of("mobilenet-v2").InBlock(block).Last().OutputText);

    [Fact]
    public void Mobilenet_v2_projections_are_linear_and_shortcuts_only_keep_the_shape()
    {
        var r = Reports.Of("mobilenet-v2");
        var names = r.Layers.Select(l => l.Name).ToList();
        // The projection's BN (conv.3 of an expanding block) feeds the add or the next block, never a clip.
        Assert.Equal("add", r.Layers[names.IndexOf("features.3.conv.3") + 1].Op);
        Assert.Equal(6 * 24, r.Layer("features.3.conv.0.0").Filters);
        // Table 2's n − 1 repeats of each row after the first: 1 + 2 + 3 + 2 + 2 + 0 = 10 residual additions.
        Assert.Equal(10, r.Layers.Count(l => l.Op == "add"));
        Assert.Equal(35, r.Layers.Count(l => l.Op == "clip"));
    }

    [Theory]
    [InlineData("conv1", "24x112x112")]
    [InlineData("maxpool", "24x56x56")]
    [InlineData("stage2", "116x28x28")]
    [InlineData("stage3", "232x14x14")]
    [InlineData("stage4", "464x7x7")]
    [InlineData("conv5", "1024x7x7")]
    public void Shufflenet_v2_follows_table_5(string block, string output) =>
        Assert.Equal(output, Reports.Of("shufflenet-v2-1.0").InBlock(block).Last().OutputText);

    [Fact]
    public void Shufflenet_v2_units_split_concat_and_shuffle()
    {
        var r = Reports.Of("shufflenet-v2-1.0");
        Assert.Equal(16, r.Layers.Count(l => l.Op == "shuffle"));
        Assert.Equal(2 * (3 + 7 + 3), r.Layers.Count(l => l.Op == "slice"));
        Assert.Equal("58x28x28", r.Layer("stage2.1.split1").OutputText);
    }
}
