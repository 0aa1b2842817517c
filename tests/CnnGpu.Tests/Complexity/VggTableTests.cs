using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime.Graph;
using CnnGpu.Networks.Complexity;

namespace CnnGpu.Tests.Complexity;

/// <summary>VGG Table 2 parameter counts, VGG-16's MACs, and stacked 3×3 receptive fields.</summary>
public sealed class VggTableTests
{
    [Theory]
    [InlineData("vgg11", 133)]
    [InlineData("vgg11-lrn", 133)]
    [InlineData("vgg13", 133)]
    [InlineData("vgg16-c", 134)]
    [InlineData("vgg16", 138)]
    [InlineData("vgg19", 144)]
    public void Params_match_table_2(string network, int millions) =>
        Assert.Equal(millions, (int)Math.Round(Reports.Of(network).TotalParams / 1e6));

    [Fact]
    public void Vgg16_costs_15_47_G_MACs() => Assert.Equal(15.47, Math.Round(Reports.Of("vgg16").TotalMacs / 1e9, 2));

    // The lecture says ">90% of parameters are in the FC layers": true for A (93%); for D it is 89.3%.
    [Theory]
    [InlineData("vgg11", 0.93)]
    [InlineData("vgg16", 0.893)]
    public void Most_parameters_are_in_the_fc_layers(string network, double share)
    {
        var r = Reports.Of(network);
        Assert.Equal(share, r.Layers.Where(l => l.Op == "fc").Sum(l => l.Params) / (double)r.TotalParams, 2);
    }

    [Fact]
    public void Configuration_c_adds_1x1_convs_to_stages_3_to_5()
    {
        var r = Reports.Of("vgg16-c");
        foreach (string stage in new[] { "stage3", "stage4", "stage5" })
        {
            Assert.Equal("1x1", r.InBlock(stage).Last(l => l.Op == "conv").Kernel);
        }

        Assert.DoesNotContain(r.InBlock("stage2"), l => l.Kernel == "1x1");
    }

    [Fact]
    public void Receptive_field_of_vgg_first_stage_convs_grows_by_two()
    {
        var convs = Reports.Of("vgg19").InBlock("stage1").Where(l => l.Op == "conv").ToList();
        Assert.Equal([3, 5], convs.Select(l => l.ReceptiveField));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    public void Receptive_field_of_L_stacked_3x3_convs_is_1_plus_2L(int layers)
    {
        var b = new GraphBuilder("stack", WeightInitializer.ShapesOnly);
        int x = b.Input("data", 1, 32, 32);
        for (int i = 0; i < layers; i++)
        {
            x = b.Conv2d($"conv{i}", x, 4, Conv2dAttrs.Square(3, pad: 1));
        }

        b.Output(x);
        var report = ComplexityAnalyzer.Analyze(b.Build());
        Assert.Equal(1 + (2 * layers), report.Layers[^1].ReceptiveField);
    }

    [Fact]
    public void Every_vgg_conv_is_3x3_stride_1_pad_1_except_the_1x1s()
    {
        foreach (string name in NetworkZoo.Names.Where(n => n.StartsWith("vgg", StringComparison.Ordinal)))
        {
            Assert.All(Reports.Of(name).Layers.Where(l => l.Op == "conv"), l =>
                Assert.True((l.Kernel, l.Stride, l.Pad) is ("3x3", "1", "1") or ("1x1", "1", "0"), $"{name} {l.Name}"));
        }
    }
}
