using CnnGpu.Networks.Complexity;

namespace CnnGpu.Tests.Complexity;

/// <summary>The lecture's AlexNet table (227×227 input), row by row, as printed (SEED-FACTS.md).</summary>
public sealed class AlexNetTableTests
{
    private static readonly Lazy<ComplexityReport> Report = new(() => Reports.Of("alexnet", 227));

    // block, op, out C, out H/W (0 = vector), memory KB, params k (weights only), MACs M
    [Theory]
    [InlineData("conv1", "conv", 64, 56, 784, 23, 73)]
    [InlineData("pool1", "maxpool", 64, 27, 182, 0, 0)]
    [InlineData("conv2", "conv", 192, 27, 547, 307, 224)]
    [InlineData("pool2", "maxpool", 192, 13, 127, 0, 0)]
    [InlineData("conv3", "conv", 384, 13, 254, 664, 112)]
    [InlineData("conv4", "conv", 256, 13, 169, 885, 150)]   // the lecture prints 145: a typo (256·13·13·384·9 = 149.5M)
    [InlineData("conv5", "conv", 256, 13, 169, 590, 100)]
    [InlineData("pool5", "maxpool", 256, 6, 36, 0, 0)]
    [InlineData("flatten", "flatten", 9216, 0, 36, 0, 0)]
    [InlineData("fc6", "fc", 4096, 0, 16, 37749, 38)]
    [InlineData("fc7", "fc", 4096, 0, 16, 16777, 17)]
    [InlineData("fc8", "fc", 1000, 0, 4, 4096, 4)]
    public void Row_matches_the_lecture(string block, string op, int outC, int outHw, int memoryKb, int paramsK, int macsM)
    {
        var row = Assert.Single(Report.Value.InBlock(block), l => l.Op == op);
        Assert.Equal(outC, row.Output[0]);
        if (outHw > 0)
        {
            Assert.Equal($"{outC}x{outHw}x{outHw}", row.OutputText);
        }

        Assert.Equal(memoryKb, (int)Math.Round(row.ActivationBytes / 1024.0));
        Assert.Equal(paramsK, (int)Math.Round(row.Weights / 1000.0));
        Assert.Equal(macsM, (int)Math.Round(row.Macs / 1e6));
    }

    [Fact]
    public void Conv1_geometry_is_11x11_stride_4_pad_2_on_227()
    {
        var conv1 = Assert.Single(Report.Value.InBlock("conv1"), l => l.Op == "conv");
        Assert.Equal("3x227x227", conv1.InputText);
        Assert.Equal(("11x11", "4", "2"), (conv1.Kernel, conv1.Stride, conv1.Pad));
        Assert.Equal(64, conv1.Filters);
    }

    [Fact]
    public void Total_with_biases_is_about_61M_and_most_params_are_in_the_fc_layers()
    {
        var r = Report.Value;
        Assert.Equal(61.1, r.TotalParams / 1e6, 1);
        long fc = r.Layers.Where(l => l.Op == "fc").Sum(l => l.Params);
        Assert.True(fc > 0.9 * r.TotalParams, $"FC share {fc / (double)r.TotalParams:P1}");
    }

    [Fact]
    public void Torchvision_input_224_gives_the_same_6x6_final_map()
    {
        var pool5 = Assert.Single(Reports.Of("alexnet", 224).InBlock("pool5"));
        Assert.Equal("256x6x6", pool5.OutputText);
    }

    [Fact]
    public void Original_alexnet_has_grouped_convs_and_lrn_after_conv1_and_conv2()
    {
        var r = Reports.Of("alexnet-v1");
        Assert.Equal("96x55x55", Assert.Single(r.InBlock("conv1"), l => l.Op == "conv").OutputText);
        Assert.Equal(2, Assert.Single(r.InBlock("conv2"), l => l.Op == "conv").Groups);
        Assert.Equal(1, Assert.Single(r.InBlock("conv3"), l => l.Op == "conv").Groups);
        Assert.Equal(2, Assert.Single(r.InBlock("conv4"), l => l.Op == "conv").Groups);
        Assert.Equal(2, Assert.Single(r.InBlock("conv5"), l => l.Op == "conv").Groups);
        Assert.Single(r.InBlock("conv1"), l => l.Op == "lrn");
        Assert.Single(r.InBlock("conv2"), l => l.Op == "lrn");
        // Krizhevsky et al.: 60M parameters; conv2's two groups halve its weights: 256·48·5·5.
        Assert.Equal(307_200, Assert.Single(r.InBlock("conv2"), l => l.Op == "conv").Weights);
        Assert.Equal(61.0, r.TotalParams / 1e6, 0);
    }
}
