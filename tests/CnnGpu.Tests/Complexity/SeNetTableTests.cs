namespace CnnGpu.Tests.Complexity;

/// <summary>
/// SENet Table 2 (SEED-FACTS.md, re-implementation column, GFLOPs = G MACs) for the base networks the zoo
/// added after the ResNets, with and without SE, at the papers' 224×224 input (Inception-ResNet-v2 at 299×299).
/// </summary>
public sealed class SeNetTableTests
{
    // network, table G MACs, relative tolerance. ResNeXt strides on the 3×3 as the ResNeXt paper does.
    [Theory]
    [InlineData("resnext50-32x4d", 4.24, 0.01)]
    [InlineData("se-resnext50", 4.25, 0.01)]
    [InlineData("resnext101-32x4d", 7.99, 0.01)]
    [InlineData("se-resnext101", 8.00, 0.01)]
    [InlineData("vgg16", 15.47, 0.01)]
    [InlineData("se-vgg16", 15.48, 0.01)]
    [InlineData("bn-inception", 2.03, 0.01)]
    // The table adds 0.01 G for SE to every base network; SE-BN-Inception's ten gates cost Σ 2·C·C/16 = 0.62 M
    // MACs (see Se_blocks_cost_two_c_squared_over_r_macs), so ours is BN-Inception's 2.019 G + 0.0006 G,
    // 1.0% under the table's rounded 2.04.
    [InlineData("se-bn-inception", 2.04, 0.011)]
    public void Macs_match_senet_table_2(string network, double gmacs, double tolerance)
    {
        double actual = Reports.Of(network).TotalMacs / 1e9;
        Assert.InRange(actual, gmacs * (1 - tolerance), gmacs * (1 + tolerance));
    }

    [Fact]
    public void Table_2_resnext_figures_are_those_of_the_stride_on_the_3x3()
    {
        // With the stride on the first 1×1 (ResNet v1, Table 2's ResNet placement) ResNeXt-50 drops to 3.77 G.
        Assert.Equal(3.77, Math.Round(Reports.Of("resnext50-32x4d", strideOnFirst1x1: true).TotalMacs / 1e9, 2));
    }

    // network, its plain counterpart, the channel widths its SE blocks gate (from the papers' tables).
    [Theory]
    [InlineData("se-bn-inception", "bn-inception", new[] { 256, 320, 576, 576, 576, 576, 576, 1024, 1024, 1024 })]
    [InlineData("se-vgg16", "vgg16", new[] { 64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512 })]
    public void Se_blocks_cost_two_c_squared_over_r_macs(string se, string plain, int[] gated)
    {
        long expected = gated.Sum(c => 2L * c * (c / 16));
        Assert.Equal(expected, Reports.Of(se).TotalMacs - Reports.Of(plain).TotalMacs);
    }

    [Theory]
    [InlineData("se-resnext50", "resnext50-32x4d", new[] { 3, 4, 6, 3 })]
    [InlineData("se-resnext101", "resnext101-32x4d", new[] { 3, 4, 23, 3 })]
    public void Se_resnext_gates_every_bottleneck_output(string se, string plain, int[] blocks)
    {
        int[] widths = [256, 512, 1024, 2048];
        long expected = blocks.Select((n, s) => n * 2L * widths[s] * (widths[s] / 16)).Sum();
        Assert.Equal(expected, Reports.Of(se).TotalMacs - Reports.Of(plain).TotalMacs);
    }

    /// <summary>
    /// Inception-ResNet-v2 at 299×299 costs what the paper's Figures 3, 7, 15–19 add up to: 9.26 G MACs, not
    /// Table 2's 11.75. The SE authors' re-implementation is unpublished and the gap cannot be closed from
    /// the papers: the authors' released TensorFlow model (10/20/10 modules of 320/1088/2080 channels and a
    /// different stem) costs 13.16 G, and no input size between 267 and 299 puts either at 11.75 G. So the
    /// figure is asserted against the papers' own layer widths, and SE's increment against 2·C·C/16 per gate.
    /// </summary>
    [Fact]
    public void Inception_resnet_v2_costs_what_the_papers_figures_add_up_to()
    {
        long stem = (149L * 149 * 3 * 32 * 9) + (147L * 147 * 32 * 32 * 9) + (147L * 147 * 32 * 64 * 9) + (73L * 73 * 64 * 96 * 9)
            + (2 * 73L * 73 * 160 * 64) + (71L * 71 * 64 * 96 * 9) // Figure 3's two 1×1 64 and the left 3×3 V 96
            + (2 * 73L * 73 * 64 * 64 * 7) + (71L * 71 * 64 * 96 * 9) // 7×1, 1×7, 3×3 V 96 on the right
            + (35L * 35 * 192 * 192 * 9);
        long a = 35L * 35 * ((384 * 32 * 3) + (32 * 32 * 9) + (32 * 48 * 9) + (48 * 64 * 9) + (128 * 384));
        long reductionA = (17L * 17 * 384 * 384 * 9) + (35L * 35 * 384 * 256) + (35L * 35 * 256 * 256 * 9) + (17L * 17 * 256 * 384 * 9);
        long b = 17L * 17 * ((1152 * 192) + (1152 * 128) + (128 * 160 * 7) + (160 * 192 * 7) + (384 * 1152));
        long reductionB = (17L * 17 * 1152 * 256 * 3) + (8L * 8 * 256 * 384 * 9) + (8L * 8 * 256 * 288 * 9) + (17L * 17 * 256 * 288 * 9) + (8L * 8 * 288 * 320 * 9);
        long c = 8L * 8 * ((2144 * 192 * 2) + (192 * 224 * 3) + (224 * 256 * 3) + (448 * 2144));
        long expected = stem + (5 * a) + reductionA + (10 * b) + reductionB + (5 * c) + (2144L * 1000);

        Assert.Equal(new[] { 3, 299, 299 }, Reports.Of("inception-resnet-v2").Input);
        Assert.Equal(expected, Reports.Of("inception-resnet-v2").TotalMacs);
        Assert.Equal(9.26, Math.Round(expected / 1e9, 2));
        long gates = (5L * 2 * 384 * 24) + (10L * 2 * 1152 * 72) + (5L * 2 * 2144 * 134);
        Assert.Equal(expected + gates, Reports.Of("se-inception-resnet-v2").TotalMacs);
    }

    [Theory]
    [InlineData("stem", "384x35x35")]
    [InlineData("a5", "384x35x35")]
    [InlineData("red_a", "1152x17x17")]
    [InlineData("b10", "1152x17x17")]
    [InlineData("red_b", "2144x8x8")]
    [InlineData("c5", "2144x8x8")]
    public void Inception_resnet_v2_grids_follow_figure_15(string block, string output) =>
        Assert.Equal(output, Reports.Of("inception-resnet-v2").InBlock(block).Last().OutputText);

    [Fact]
    public void Inception_resnet_v2_scales_each_residual_before_adding_it()
    {
        var r = Reports.Of("se-inception-resnet-v2");
        var names = r.Layers.Select(l => l.Name).ToList();
        Assert.Equal(20, r.Layers.Count(l => l.Op == "scale"));
        Assert.True(names.IndexOf("b3.se.scale") < names.IndexOf("b3.scale"));
        Assert.True(names.IndexOf("b3.scale") < names.IndexOf("b3.add"));
        Assert.Equal("1x7", r.Layer("b3.br1_1").Kernel);
        Assert.Equal("7x1", r.Layer("b3.br1_2").Kernel);
    }

    [Fact]
    public void Resnext50_has_25_0M_params()
    {
        // Xie et al. Table 1: 25.0M (ResNet-50: 25.5M).
        Assert.Equal(25.0, Math.Round(Reports.Of("resnext50-32x4d").TotalParams / 1e6, 1));
    }
}
