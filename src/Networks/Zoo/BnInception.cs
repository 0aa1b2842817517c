using CnnGpu.Runtime.Graph;

namespace CnnGpu.Networks.Zoo;

/// <summary>
/// BN-Inception (Ioffe &amp; Szegedy 2015, Figure 5, "Inception-v2" there) and SE-BN-Inception (Hu et al.).
/// GoogLeNet's layout with batch norm after every convolution, each 5×5 replaced by two stacked 3×3s
/// ("double 3×3"), average pooling in most pool branches, no LRN, no dropout, and modules 3c and 4e
/// downsampling inside the module (stride-2 3×3s beside a 3×3/2 max pool passed through unprojected).
/// Max pools use ceil mode (112 → 56 → 28 → 14 → 7) as in the released Caffe model.
/// </summary>
/// <remarks>
/// SE-BN-Inception follows the SE paper's Figure 2 (the transformation gated is the entire inception
/// module): one SE block (r = 16) on each module's concatenated output; the stem carries none.
/// Names follow the Caffe model's under the module's block (<c>3a.1x1</c>, <c>3a.double_3x3_2</c>, <c>…_bn</c>);
/// torchvision has no BN-Inception.
/// </remarks>
public static class BnInception
{
    /// <summary>How a module's pool branch pools.</summary>
    public enum PoolKind
    {
        /// <summary>3×3/1 average pool, then a 1×1 projection.</summary>
        Average,

        /// <summary>3×3/1 max pool, then a 1×1 projection.</summary>
        Max,
    }

    /// <summary>One module of Figure 5: #1×1, #3×3 reduce, #3×3, double #3×3 reduce, double #3×3, pool, pool proj.</summary>
    /// <param name="Name">Module name (<c>inception_3a</c>).</param>
    /// <param name="Conv1x1">#1×1 (0 in the stride-2 modules).</param>
    /// <param name="Reduce3x3">#3×3 reduce.</param>
    /// <param name="Conv3x3">#3×3.</param>
    /// <param name="ReduceDouble">Double #3×3 reduce.</param>
    /// <param name="Double3x3">Double #3×3 (both convs).</param>
    /// <param name="Pool">Pool branch kind.</param>
    /// <param name="PoolProj">Pool proj (0: the stride-2 modules pass the 3×3/2 max pool through).</param>
    /// <param name="Stride">2 for 3c and 4e, which halve the map; 1 otherwise.</param>
    public sealed record ModuleWidths(string Name, int Conv1x1, int Reduce3x3, int Conv3x3, int ReduceDouble, int Double3x3, PoolKind Pool, int PoolProj, int Stride = 1);

    /// <summary>Figure 5's modules in order.</summary>
    public static IReadOnlyList<ModuleWidths> Modules { get; } =
    [
        new("inception_3a", 64, 64, 64, 64, 96, PoolKind.Average, 32),
        new("inception_3b", 64, 64, 96, 64, 96, PoolKind.Average, 64),
        new("inception_3c", 0, 128, 160, 64, 96, PoolKind.Max, 0, Stride: 2),
        new("inception_4a", 224, 64, 96, 96, 128, PoolKind.Average, 128),
        new("inception_4b", 192, 96, 128, 96, 128, PoolKind.Average, 128),
        new("inception_4c", 160, 128, 160, 128, 160, PoolKind.Average, 96),
        new("inception_4d", 96, 128, 192, 160, 192, PoolKind.Average, 96),
        new("inception_4e", 0, 128, 192, 192, 256, PoolKind.Max, 0, Stride: 2),
        new("inception_5a", 352, 192, 320, 160, 224, PoolKind.Average, 128),
        new("inception_5b", 352, 192, 320, 192, 224, PoolKind.Max, 128),
    ];

    /// <summary>BN-Inception.</summary>
    /// <param name="options">Input size, classes, weights.</param>
    public static ComputeGraph Build(NetworkOptions options) => Build("bn-inception", squeezeExcite: false, options);

    /// <summary>SE-BN-Inception: an SE block on every inception module's output.</summary>
    /// <param name="options">Input size, classes, weights.</param>
    public static ComputeGraph BuildSe(NetworkOptions options) => Build("se-bn-inception", squeezeExcite: true, options);

    private static ComputeGraph Build(string name, bool squeezeExcite, NetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var b = options.Builder(name);
        int size = options.InputOr(224);
        int x = b.Input("data", 3, size, size);
        using (b.Block("conv1"))
        {
            x = ConvBnRelu(b, "conv1_7x7_s2", x, 64, Conv2dAttrs.Square(7, stride: 2, pad: 3));
        }

        x = MaxPool(b, "pool1", x);
        using (b.Block("conv2"))
        {
            x = ConvBnRelu(b, "conv2_3x3_reduce", x, 64, Conv2dAttrs.Square(1));
            x = ConvBnRelu(b, "conv2_3x3", x, 192, Conv2dAttrs.Square(3, pad: 1));
        }

        x = MaxPool(b, "pool2", x);
        foreach (var module in Modules)
        {
            using (b.Block(module.Name))
            {
                x = Inception(b, x, module);
                if (squeezeExcite)
                {
                    x = SqueezeExcitation.Append(b, $"{module.Name["inception_".Length..]}.se", x);
                }
            }
        }

        using (b.Block("pool"))
        {
            x = b.Flatten("flatten", b.GlobalAvgPool("global_pool", x));
        }

        using (b.Block("fc"))
        {
            b.Output(b.Softmax("prob", b.FullyConnected("fc", x, options.Classes)));
        }

        return b.Build();
    }

    private static int Inception(GraphBuilder b, int x, ModuleWidths m)
    {
        // Node names drop the block's "inception_" (3a.double_3x3_reduce) to keep summaries within 80 columns.
        string n = m.Name["inception_".Length..];
        var branches = new List<int>(4);
        if (m.Conv1x1 > 0)
        {
            branches.Add(ConvBnRelu(b, $"{n}.1x1", x, m.Conv1x1, Conv2dAttrs.Square(1)));
        }

        var down = Conv2dAttrs.Square(3, stride: m.Stride, pad: 1);
        int reduce = ConvBnRelu(b, $"{n}.3x3_reduce", x, m.Reduce3x3, Conv2dAttrs.Square(1));
        branches.Add(ConvBnRelu(b, $"{n}.3x3", reduce, m.Conv3x3, down));
        int dbl = ConvBnRelu(b, $"{n}.double_3x3_reduce", x, m.ReduceDouble, Conv2dAttrs.Square(1));
        dbl = ConvBnRelu(b, $"{n}.double_3x3_1", dbl, m.Double3x3, Conv2dAttrs.Square(3, pad: 1));
        branches.Add(ConvBnRelu(b, $"{n}.double_3x3_2", dbl, m.Double3x3, down));
        if (m.Stride > 1)
        {
            branches.Add(b.MaxPool($"{n}.pool", x, PoolWindow.Square(3, m.Stride, ceilMode: true)));
        }
        else
        {
            var window = PoolWindow.Square(3, 1, pad: 1);
            int pooled = m.Pool == PoolKind.Average ? b.AvgPool($"{n}.pool", x, window) : b.MaxPool($"{n}.pool", x, window);
            branches.Add(ConvBnRelu(b, $"{n}.pool_proj", pooled, m.PoolProj, Conv2dAttrs.Square(1)));
        }

        return b.Concat($"{n}.output", [.. branches]);
    }

    private static int MaxPool(GraphBuilder b, string name, int x)
    {
        using (b.Block(name))
        {
            return b.MaxPool(name, x, PoolWindow.Square(3, 2, ceilMode: true));
        }
    }

    /// <summary>Conv (no bias: the batch norm's β replaces it), batch norm, ReLU.</summary>
    internal static int ConvBnRelu(GraphBuilder b, string name, int x, int filters, Conv2dAttrs attrs) =>
        b.Relu($"{name}_relu", b.BatchNorm($"{name}_bn", b.Conv2d(name, x, filters, attrs, bias: false)));
}
