using CnnGpu.Networks.Complexity;
using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Tests.Complexity;

/// <summary>
/// Receptive fields of every zoo network against the textbook formula applied by hand to the papers'
/// layer lists: along the deepest window path of (kernel, stride) pairs,
/// <c>rf = 1 + Σ (kᵢ − 1)·Πⱼ&lt;ᵢ sⱼ</c> (vertical axis, padding ignored). SE gates add no window but
/// mark global context.
/// </summary>
public sealed class ReceptiveFieldTests
{
    /// <summary>
    /// Each network's deepest window path up to the last row of its last spatial block, written out from
    /// the paper's layer table (not from the builders): <c>(k, s)</c> per windowed layer, 1×1s included
    /// where they carry a stride.
    /// </summary>
    private static readonly Dictionary<string, (string Block, (int K, int S)[] Path)> Cases = new(StringComparer.Ordinal)
    {
        // conv1 11/4, pool 3/2, conv2 5, pool 3/2, conv3-5 3×3, pool5 3/2.
        ["alexnet"] = ("pool5", [(11, 4), (3, 2), (5, 1), (3, 2), (3, 1), (3, 1), (3, 1), (3, 2)]),
        ["alexnet-v1"] = ("pool5", [(11, 4), (3, 2), (5, 1), (3, 2), (3, 1), (3, 1), (3, 1), (3, 2)]),
        ["vgg11"] = ("stage5", Vgg([1, 1, 2, 2, 2])),
        ["vgg11-lrn"] = ("stage5", Vgg([1, 1, 2, 2, 2])),
        ["vgg13"] = ("stage5", Vgg([2, 2, 2, 2, 2])),
        ["vgg16-c"] = ("stage5", Vgg([2, 2, 2, 2, 2])), // C's extra 1×1s add nothing
        ["vgg16"] = ("stage5", Vgg([2, 2, 3, 3, 3])),
        ["vgg19"] = ("stage5", Vgg([2, 2, 4, 4, 4])),
        // 7/2, pool 3/2, 1×1, 3×3, pool 3/2; each inception's widest branch is its 5×5; pools after 3b and 4e.
        ["googlenet"] = ("inception5b", [(7, 2), (3, 2), (3, 1), (3, 2), (5, 1), (5, 1), (3, 2), (5, 1), (5, 1), (5, 1), (5, 1), (5, 1), (3, 2), (5, 1), (5, 1)]),
        ["resnet18"] = ("conv5_x", ResNet(basic: true, [2, 2, 2, 2])),
        ["resnet34"] = ("conv5_x", ResNet(basic: true, [3, 4, 6, 3])),
        ["resnet50"] = ("conv5_x", ResNet(basic: false, [3, 4, 6, 3])),
        ["resnet101"] = ("conv5_x", ResNet(basic: false, [3, 4, 23, 3])),
        ["resnet152"] = ("conv5_x", ResNet(basic: false, [3, 8, 36, 3])),
        ["se-resnet50"] = ("conv5_x", ResNet(basic: false, [3, 4, 6, 3])),
        ["se-resnet101"] = ("conv5_x", ResNet(basic: false, [3, 4, 23, 3])),
        ["se-resnet152"] = ("conv5_x", ResNet(basic: false, [3, 8, 36, 3])),
        ["resnext50-32x4d"] = ("conv5_x", ResNet(basic: false, [3, 4, 6, 3])),
        ["resnext101-32x4d"] = ("conv5_x", ResNet(basic: false, [3, 4, 23, 3])),
        ["se-resnext50"] = ("conv5_x", ResNet(basic: false, [3, 4, 6, 3])),
        ["se-resnext101"] = ("conv5_x", ResNet(basic: false, [3, 4, 23, 3])),
        ["se-vgg16"] = ("stage5", Vgg([2, 2, 3, 3, 3])),
        ["bn-inception"] = ("inception_5b", BnInception()),
        ["se-bn-inception"] = ("inception_5b", BnInception()),
        // 3×3/2 conv, then 13 depthwise 3×3s with Table 1's strides (the pointwise 1×1s add nothing).
        ["mobilenet-v1"] = ("conv_dw13", [(3, 2), (3, 1), (3, 2), (3, 1), (3, 2), (3, 1), (3, 2), (3, 1), (3, 1), (3, 1), (3, 1), (3, 1), (3, 2), (3, 1)]),
        ["inception-resnet-v2"] = ("c5", InceptionResNet()),
        ["se-inception-resnet-v2"] = ("c5", InceptionResNet()),
        // 3×3/2 conv, then each inverted residual's 3×3 depthwise, Table 2's rows (n, s): (1,1) (2,2) (3,2) (4,2) (3,1) (3,2) (1,1).
        ["mobilenet-v2"] = ("bottleneck7", [(3, 2), (3, 1), .. Repeat((3, 2), (3, 1), 2), .. Repeat((3, 2), (3, 1), 3), .. Repeat((3, 2), (3, 1), 4), .. Repeat((3, 1), (3, 1), 3), .. Repeat((3, 2), (3, 1), 3), (3, 1)]),
        // 3×3/2 conv, 3×3/2 pool, each unit's 3×3 depthwise (the first of a stage strides 2); 4, 8, 4 units.
        ["shufflenet-v2-1.0"] = ("stage4", [(3, 2), (3, 2), .. Repeat((3, 2), (3, 1), 4), .. Repeat((3, 2), (3, 1), 8), .. Repeat((3, 2), (3, 1), 4)]),
    };

    public static TheoryData<string> Networks => [.. NetworkZoo.Names];

    [Fact]
    public void Formula_gives_the_known_resnet_fields()
    {
        // The figures for the plain ResNets at the last stage, which the formula must reproduce.
        Assert.Equal(435, Field(Cases["resnet18"].Path));
        Assert.Equal(427, Field(Cases["resnet50"].Path));
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Last_spatial_block_matches_the_formula_over_the_papers_layers(string network)
    {
        Assert.True(Cases.ContainsKey(network), $"{network} needs a hand-written layer path");
        var (block, path) = Cases[network];
        var report = Reports.Of(network);
        Assert.Equal(Field(path), report.InBlock(block).Last().ReceptiveField);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Fields_never_shrink_along_the_graph_and_stay_within_the_global_window(string network)
    {
        var report = Reports.Of(network);
        var (block, path) = Cases[network];
        // Nothing can see more than the last spatial field plus one global pool over what is left of the map
        // (at most the input side, in steps of the total stride).
        long bound = Field(path) + (long)report.Input[1] * path.Aggregate(1, (j, l) => j * l.S);
        Assert.All(report.Layers, l => Assert.InRange((long)l.ReceptiveField, 1L, bound));
        // Within the last block, the block's output is the widest map (SE squeezes are pooled, not maps).
        var maps = report.InBlock(block).Where(l => l.Output.Length == 3 && l.Output[1] > 1);
        Assert.Equal(maps.Max(l => l.ReceptiveField), report.InBlock(block).Last().ReceptiveField);
    }

    [Theory]
    [InlineData("se-resnet50", "resnet50")]
    [InlineData("se-resnet101", "resnet101")]
    [InlineData("se-resnet152", "resnet152")]
    public void Se_gates_leave_the_local_field_of_the_plain_network_and_mark_global_context(string se, string plain)
    {
        var gated = Reports.Of(se);
        var baseline = Reports.Of(plain).Layers.ToDictionary(l => l.Name);
        foreach (var layer in gated.Layers.Where(l => baseline.ContainsKey(l.Name)))
        {
            Assert.True(baseline[layer.Name].ReceptiveField == layer.ReceptiveField, $"{se} {layer.Name}: {layer.ReceptiveField} vs {baseline[layer.Name].ReceptiveField}");
        }

        // The scale node keeps its feature map's field: that of the bn3 before it.
        Assert.Equal(gated.Layer("layer1.0.bn3").ReceptiveField, gated.Layer("layer1.0.se.scale").ReceptiveField);
        Assert.False(gated.Layer("layer1.0.bn3").GlobalContext);
        Assert.True(gated.Layer("layer1.0.se.scale").GlobalContext);
        Assert.True(gated.Layer("layer1.0.se.squeeze").GlobalContext);
        var names = gated.Layers.Select(l => l.Name).ToList();
        // From the first gated addition on, every value depends on a gate (the first shortcut's projection does not).
        Assert.False(gated.Layer("layer1.0.downsample.1").GlobalContext);
        Assert.All(gated.Layers.Skip(names.IndexOf("layer1.0.add")), l => Assert.True(l.GlobalContext, l.Name));
        var last = gated.InBlock("conv5_x").Last();
        Assert.Equal($"{baseline[last.Name].ReceptiveField}*", last.ReceptiveFieldText);
    }

    [Fact]
    public void Plain_networks_see_global_context_only_from_their_global_pool_on()
    {
        var report = Reports.Of("resnet50");
        Assert.All(report.Layers.TakeWhile(l => l.Name != "avgpool"), l => Assert.False(l.GlobalContext, l.Name));
        // Global pooling over the 7×7 map of jump 32 widens 427 by 6·32.
        Assert.Equal(427 + (6 * 32), report.Layer("avgpool").ReceptiveField);
        Assert.Equal("619*", report.Layer("fc").ReceptiveFieldText);
        Assert.Equal("427", report.Layer("layer4.2.relu").ReceptiveFieldText);
    }

    [Fact]
    public void A_gate_from_a_global_pool_adds_no_window_to_a_map()
    {
        // 3×3 conv (field 3) gated by channel weights pooled from a 9×9 conv of the same input.
        var b = new GraphBuilder("gate", WeightInitializer.ShapesOnly);
        int x = b.Input("data", 4, 32, 32);
        int map = b.Conv2d("map", x, 4, Conv2dAttrs.Square(3, pad: 1));
        int wide = b.Conv2d("wide", x, 4, Conv2dAttrs.Square(9, stride: 2, pad: 4));
        int gate = b.Sigmoid("sig", b.Flatten("flat", b.GlobalAvgPool("gap", wide)));
        b.Output(b.Conv2d("after", b.ChannelScale("scale", map, gate), 4, Conv2dAttrs.Square(3, pad: 1)));
        var r = ComplexityAnalyzer.Analyze(b.Build());
        Assert.Equal(1 + 8 + (15 * 2), r.Layer("gap").ReceptiveField);
        Assert.Equal(3, r.Layer("scale").ReceptiveField);
        Assert.Equal(5, r.Layer("after").ReceptiveField);
        Assert.True(r.Layer("after").GlobalContext);
        Assert.False(r.Layer("map").GlobalContext);
    }

    [Fact]
    public void A_node_of_constants_only_sees_no_pixel()
    {
        var b = new GraphBuilder("constants", WeightInitializer.ShapesOnly);
        int x = b.Input("data", 2, 8, 8);
        int c = b.Relu("const_relu", b.Constant("c", new Runtime.Tensors.Tensor(new Runtime.Tensors.TensorShape(1, 2, 8, 8))));
        b.Output(b.Sum("sum", b.Conv2d("conv", x, 2, Conv2dAttrs.Square(3, pad: 1)), c));
        var r = ComplexityAnalyzer.Analyze(b.Build());
        Assert.Equal(1, r.Layer("const_relu").ReceptiveField);
        Assert.Equal(3, r.Layer("sum").ReceptiveField);
        Assert.False(r.Layer("sum").GlobalContext);
    }

    /// <summary>The textbook formula over a path of (kernel, stride) windows.</summary>
    private static int Field((int K, int S)[] path)
    {
        int field = 1, jump = 1;
        foreach (var (k, s) in path)
        {
            field += (k - 1) * jump;
            jump *= s;
        }

        return field;
    }

    /// <summary>A stage of <paramref name="n"/> layers: <paramref name="first"/>, then <paramref name="rest"/>.</summary>
    private static (int, int)[] Repeat((int, int) first, (int, int) rest, int n) => [first, .. Enumerable.Repeat(rest, n - 1)];

    /// <summary>VGG: n 3×3 convs then a 2×2/2 pool per stage.</summary>
    private static (int, int)[] Vgg(int[] convs) =>
        [.. convs.SelectMany(n => Enumerable.Repeat((3, 1), n).Append((2, 2)))];

    /// <summary>
    /// BN-Inception (Figure 5): 7/2 conv, 3/2 pool, 3×3 conv, 3/2 pool; each module's widest branch is its
    /// double 3×3, whose second conv strides in 3c and 4e.
    /// </summary>
    private static (int, int)[] BnInception()
    {
        var path = new List<(int, int)> { (7, 2), (3, 2), (3, 1), (3, 2) };
        foreach (string module in new[] { "3a", "3b", "3c", "4a", "4b", "4c", "4d", "4e", "5a", "5b" })
        {
            path.AddRange([(3, 1), (3, module is "3c" or "4e" ? 2 : 1)]);
        }

        return [.. path];
    }

    /// <summary>
    /// Inception-ResNet-v2's widest vertical path: stem 3×3/2, 3×3, 3×3, 3×3/2 (both branches), 7×1 and 3×3
    /// (the 1×7 adds no rows), 3×3/2; two 3×3s per A module; Reduction-A's 3×3, 3×3/2; a 7×1 per B module;
    /// Reduction-B's 3×3, 3×3/2; a 3×1 per C module.
    /// </summary>
    private static (int, int)[] InceptionResNet() =>
    [
        (3, 2), (3, 1), (3, 1), (3, 2), (7, 1), (3, 1), (3, 2),
        .. Enumerable.Repeat((3, 1), 10), (3, 1), (3, 2),
        .. Enumerable.Repeat((7, 1), 10), (3, 1), (3, 2),
        .. Enumerable.Repeat((3, 1), 5),
    ];

    /// <summary>
    /// ResNet (torchvision v1.5, the zoo default): 7/2 conv, 3/2 pool; basic blocks are two 3×3s, bottlenecks
    /// 1×1, 3×3, 1×1; the first block of stages 3–5 strides on its (first) 3×3.
    /// </summary>
    private static (int, int)[] ResNet(bool basic, int[] blocks)
    {
        var path = new List<(int, int)> { (7, 2), (3, 2) };
        for (int stage = 0; stage < blocks.Length; stage++)
        {
            for (int i = 0; i < blocks[stage]; i++)
            {
                int stride = stage > 0 && i == 0 ? 2 : 1;
                path.AddRange(basic ? [(3, stride), (3, 1)] : [(1, 1), (3, stride), (1, 1)]);
            }
        }

        return [.. path];
    }
}
