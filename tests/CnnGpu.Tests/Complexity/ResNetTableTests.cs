namespace CnnGpu.Tests.Complexity;

/// <summary>ResNet Table 1 and SENet Table 2 complexity figures.</summary>
public sealed class ResNetTableTests
{
    [Theory]
    [InlineData("resnet18", 1.8)]
    [InlineData("resnet34", 3.6)]
    [InlineData("resnet50", 3.8)]
    [InlineData("resnet101", 7.6)]
    [InlineData("resnet152", 11.3)]
    public void Macs_match_table_1_within_3_percent(string network, double gmacs)
    {
        // v1 (stride on the first 1x1) is the paper's; basic blocks have no 1x1 so the option is moot there.
        double actual = Reports.Of(network, strideOnFirst1x1: true).TotalMacs / 1e9;
        Assert.InRange(actual, gmacs * 0.97, gmacs * 1.03);
    }

    [Fact]
    public void Resnet50_v1_is_3_86_G_and_torchvision_v1_5_is_4_09_G()
    {
        Assert.Equal(3.86, Math.Round(Reports.Of("resnet50", strideOnFirst1x1: true).TotalMacs / 1e9, 2));
        Assert.Equal(4.09, Math.Round(Reports.Of("resnet50").TotalMacs / 1e9, 2));
    }

    [Theory]
    [InlineData("se-resnet50", 3.87)]
    [InlineData("se-resnet101", 7.60)]
    [InlineData("se-resnet152", 11.32)]
    public void Se_resnet_macs_match_senet_table_2_within_1_percent(string network, double gmacs)
    {
        double actual = Reports.Of(network, strideOnFirst1x1: true).TotalMacs / 1e9;
        Assert.InRange(actual, gmacs * 0.99, gmacs * 1.01);
    }

    [Fact]
    public void Resnet50_has_25_6M_params_and_se_resnet50_28_1M()
    {
        Assert.Equal(25.6, Math.Round(Reports.Of("resnet50").TotalParams / 1e6, 1));
        Assert.Equal(28.1, Math.Round(Reports.Of("se-resnet50").TotalParams / 1e6, 1));
    }

    [Theory]
    [InlineData("conv1", "64x112x112")]
    [InlineData("conv2_x", "256x56x56")]
    [InlineData("conv3_x", "512x28x28")]
    [InlineData("conv4_x", "1024x14x14")]
    [InlineData("conv5_x", "2048x7x7")]
    public void Resnet50_stage_outputs_match_table_1(string block, string output) =>
        Assert.Equal(output, Reports.Of("resnet50").InBlock(block).Last().OutputText);

    [Fact]
    public void Se_gate_sits_on_the_residual_branch_before_the_addition()
    {
        var r = Reports.Of("se-resnet50");
        var names = r.Layers.Select(l => l.Name).ToList();
        Assert.True(names.IndexOf("layer1.0.se.scale") < names.IndexOf("layer1.0.add"));
        Assert.Equal("16", r.Layer("layer1.0.se.fc1").OutputText);   // 256 / 16
        Assert.Equal("256", r.Layer("layer1.0.se.fc2").OutputText);
    }

    [Fact]
    public void Stride_option_moves_the_downsampling_between_the_1x1_and_the_3x3()
    {
        var v1 = Reports.Of("resnet50", strideOnFirst1x1: true);
        var v15 = Reports.Of("resnet50");
        Assert.Equal(("2", "1"), (v1.Layer("layer2.0.conv1").Stride, v1.Layer("layer2.0.conv2").Stride));
        Assert.Equal(("1", "2"), (v15.Layer("layer2.0.conv1").Stride, v15.Layer("layer2.0.conv2").Stride));
    }
}
