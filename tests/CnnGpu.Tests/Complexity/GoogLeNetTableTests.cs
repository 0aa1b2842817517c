using CnnGpu.Networks.Complexity;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Tests.Complexity;

/// <summary>GoogLeNet Table 1: output shapes of every row, inception MACs from the widths, and the lecture's examples.</summary>
public sealed class GoogLeNetTableTests
{
    private static readonly Lazy<ComplexityReport> Report = new(() => Reports.Of("googlenet"));

    [Theory]
    [InlineData("conv1", "conv", "64x112x112")]
    [InlineData("pool1", "maxpool", "64x56x56")]
    [InlineData("conv2", "conv", "192x56x56")]
    [InlineData("pool2", "maxpool", "192x28x28")]
    [InlineData("inception3a", "concat", "256x28x28")]
    [InlineData("inception3b", "concat", "480x28x28")]
    [InlineData("pool3", "maxpool", "480x14x14")]
    [InlineData("inception4a", "concat", "512x14x14")]
    [InlineData("inception4b", "concat", "512x14x14")]
    [InlineData("inception4c", "concat", "512x14x14")]
    [InlineData("inception4d", "concat", "528x14x14")]
    [InlineData("inception4e", "concat", "832x14x14")]
    [InlineData("pool4", "maxpool", "832x7x7")]
    [InlineData("inception5a", "concat", "832x7x7")]
    [InlineData("inception5b", "concat", "1024x7x7")]
    [InlineData("pool5", "avgpool", "1024x1x1")]
    [InlineData("linear", "fc", "1000")]
    public void Output_shape_matches_table_1(string block, string op, string output) =>
        Assert.Equal(output, Report.Value.InBlock(block).Last(l => l.Op == op).OutputText);

    // Table 1 widths: input side, input channels, #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj, paper MACs (M).
    [Theory]
    [InlineData("inception3a", 28, 192, 64, 96, 128, 16, 32, 32, 128)]
    [InlineData("inception3b", 28, 256, 128, 128, 192, 32, 96, 64, 304)]
    [InlineData("inception4a", 14, 480, 192, 96, 208, 16, 48, 64, 73)]
    [InlineData("inception4b", 14, 512, 160, 112, 224, 24, 64, 64, 88)]
    [InlineData("inception4c", 14, 512, 128, 128, 256, 24, 64, 64, 100)]
    [InlineData("inception4d", 14, 512, 112, 144, 288, 32, 64, 64, 119)]
    [InlineData("inception4e", 14, 528, 256, 160, 320, 32, 128, 128, 170)]
    [InlineData("inception5a", 7, 832, 256, 160, 320, 32, 128, 128, 54)]
    [InlineData("inception5b", 7, 832, 384, 192, 384, 48, 128, 128, 71)]
    public void Inception_macs_follow_from_the_table_widths(string module, int side, int cin, int c1, int r3, int c3, int r5, int c5, int proj, int paperMacsM)
    {
        long weights = ((long)cin * c1) + ((long)cin * r3) + ((long)r3 * 9 * c3) + ((long)cin * r5) + ((long)r5 * 25 * c5) + ((long)cin * proj);
        long expected = weights * side * side;
        long actual = Report.Value.InBlock(module).Sum(l => l.Macs);
        Assert.InRange(actual, expected * 0.99, expected * 1.01);
        Assert.Equal(weights + c1 + r3 + c3 + r5 + c5 + proj, Report.Value.InBlock(module).Sum(l => l.Params));

        // The paper's printed column agrees to 1% except 5a, whose 54M contradicts its own widths (51.1M).
        double tolerance = module == "inception5a" ? 0.06 : 0.01;
        Assert.InRange(actual / 1e6, paperMacsM * (1 - tolerance), paperMacsM * (1 + tolerance));
    }

    [Fact]
    public void First_conv_is_a_plain_7x7_from_rgb_not_the_papers_2_7K_row()
    {
        // Table 1 prints 2.7K params / 34M MACs for this row; a 7x7x3→64 conv has 9,408 weights and 118M MACs.
        var conv1 = Assert.Single(Report.Value.InBlock("conv1"), l => l.Op == "conv");
        Assert.Equal(9_408, conv1.Weights);
        Assert.Equal(118, (int)Math.Round(conv1.Macs / 1e6));
    }

    [Fact]
    public void Stem_has_lrn_after_the_first_pool_and_after_the_3x3_conv()
    {
        Assert.Single(Report.Value.InBlock("pool1"), l => l.Op == "lrn");
        Assert.Single(Report.Value.InBlock("conv2"), l => l.Op == "lrn");
        Assert.DoesNotContain(Report.Value.Layers, l => l.Op == "batchnorm");
    }

    [Fact]
    public void Auxiliary_classifiers_exist_only_in_the_training_graph()
    {
        Assert.DoesNotContain(Report.Value.Layers, l => l.Block.StartsWith("aux", StringComparison.Ordinal));
        var training = Networks.Zoo.NetworkZoo.Build("googlenet", new Networks.Zoo.NetworkOptions(TrainingGraph: true, Weights: WeightInitializer.ShapesOnly));
        Assert.Equal(3, training.Outputs.Length);
        var report = ComplexityAnalyzer.Analyze(training);
        Assert.Equal("128x4x4", report.Layer("aux1.conv").OutputText);
        Assert.Equal("1024", report.Layer("aux2.fc1").OutputText);
        Assert.Equal("1000", report.Layer("aux2.fc2").OutputText);
    }

    [Fact]
    public void One_by_one_reduction_example_costs_112_9M_direct_and_5_3M_reduced()
    {
        // A 4a-sized input (14x14x480) into 48 5x5 filters, directly and through 16 1x1 reductions.
        static long Macs(Func<GraphBuilder, int, int> layers)
        {
            var b = new GraphBuilder("reduction", WeightInitializer.ShapesOnly);
            b.Output(layers(b, b.Input("data", 480, 14, 14)));
            return ComplexityAnalyzer.Analyze(b.Build()).TotalMacs;
        }

        long direct = Macs((b, x) => b.Conv2d("5x5", x, 48, Conv2dAttrs.Square(5, pad: 2), bias: false));
        long reduced = Macs((b, x) => b.Conv2d("5x5", b.Conv2d("reduce", x, 16, Conv2dAttrs.Square(1), bias: false), 48, Conv2dAttrs.Square(5, pad: 2), bias: false));
        Assert.Equal(112.9, Math.Round(direct / 1e6, 1));
        Assert.Equal(5.3, Math.Round(reduced / 1e6, 1));
    }

    [Fact]
    public void Global_average_pooling_needs_no_params_where_an_fc_needs_51_380_224()
    {
        var b = new GraphBuilder("head", WeightInitializer.ShapesOnly);
        int x = b.Input("data", 1024, 7, 7);
        int gap = b.GlobalAvgPool("gap", x);
        int fc = b.FullyConnected("fc", b.Flatten("flatten", x), 1024, bias: false);
        b.Output(gap);
        b.Output(fc);
        var r = ComplexityAnalyzer.Analyze(b.Build());
        Assert.Equal(0, r.Layer("gap").Params);
        Assert.Equal(51_380_224, r.Layer("fc").Params);
    }
}
