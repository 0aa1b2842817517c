using CnnGpu.Runtime.Graph;

namespace CnnGpu.Networks.Zoo;

/// <summary>
/// GoogLeNet / Inception v1 as in Szegedy et al., Table 1: 5×5 branches, LRN in the stem, no batch
/// norm, max pools in ceil mode (112 → 56 → 28 → 14 → 7). The two auxiliary classifiers (after 4a
/// and 4d) exist only in a training graph (<see cref="NetworkOptions.TrainingGraph"/>), whose
/// outputs are then main, aux1, aux2.
/// </summary>
public static class GoogLeNet
{
    /// <summary>Widths of one inception module: the columns of Table 1.</summary>
    /// <param name="Name">Module name (<c>inception3a</c>).</param>
    /// <param name="Conv1x1">#1×1.</param>
    /// <param name="Reduce3x3">#3×3 reduce.</param>
    /// <param name="Conv3x3">#3×3.</param>
    /// <param name="Reduce5x5">#5×5 reduce.</param>
    /// <param name="Conv5x5">#5×5.</param>
    /// <param name="PoolProj">pool proj.</param>
    public sealed record InceptionWidths(string Name, int Conv1x1, int Reduce3x3, int Conv3x3, int Reduce5x5, int Conv5x5, int PoolProj)
    {
        /// <summary>Output channels: the four branches concatenated.</summary>
        public int OutputChannels => Conv1x1 + Conv3x3 + Conv5x5 + PoolProj;
    }

    /// <summary>Table 1's inception modules in order.</summary>
    public static IReadOnlyList<InceptionWidths> Modules { get; } =
    [
        new("inception3a", 64, 96, 128, 16, 32, 32),
        new("inception3b", 128, 128, 192, 32, 96, 64),
        new("inception4a", 192, 96, 208, 16, 48, 64),
        new("inception4b", 160, 112, 224, 24, 64, 64),
        new("inception4c", 128, 128, 256, 24, 64, 64),
        new("inception4d", 112, 144, 288, 32, 64, 64),
        new("inception4e", 256, 160, 320, 32, 128, 128),
        new("inception5a", 256, 160, 320, 32, 128, 128),
        new("inception5b", 384, 192, 384, 48, 128, 128),
    ];

    private static readonly LrnAttrs Lrn = new(5, 1e-4f, 0.75f, 1f);

    /// <summary>Builds GoogLeNet.</summary>
    /// <param name="options">Input size, classes, weights, training graph.</param>
    public static ComputeGraph Build(NetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var b = options.Builder("googlenet");
        int size = options.InputOr(224);
        int x = b.Input("data", 3, size, size);
        var auxOutputs = new List<int>();

        using (b.Block("conv1"))
        {
            x = b.Relu("conv1.relu", b.Conv2d("conv1", x, 64, Conv2dAttrs.Square(7, stride: 2, pad: 3)));
        }

        x = MaxPool(b, "pool1", x);
        using (b.Block("pool1"))
        {
            x = b.Lrn("norm1", x, Lrn);
        }

        using (b.Block("conv2"))
        {
            x = b.Relu("conv2.reduce.relu", b.Conv2d("conv2.reduce", x, 64, Conv2dAttrs.Square(1)));
            x = b.Relu("conv2.relu", b.Conv2d("conv2", x, 192, Conv2dAttrs.Square(3, pad: 1)));
            x = b.Lrn("norm2", x, Lrn);
        }

        x = MaxPool(b, "pool2", x);
        foreach (var module in Modules)
        {
            x = Inception(b, x, module);
            if (options.TrainingGraph && module.Name is "inception4a" or "inception4d")
            {
                auxOutputs.Add(AuxiliaryClassifier(b, module.Name == "inception4a" ? "aux1" : "aux2", x, options.Classes));
            }

            if (module.Name is "inception3b" or "inception4e")
            {
                x = MaxPool(b, module.Name == "inception3b" ? "pool3" : "pool4", x);
            }
        }

        using (b.Block("pool5"))
        {
            x = b.AvgPool("pool5", x, PoolWindow.Square(b.ShapeOf(x)[2], 1));
        }

        using (b.Block("dropout"))
        {
            x = b.Dropout("dropout", b.Flatten("flatten", x), 0.4f);
        }

        using (b.Block("linear"))
        {
            x = b.Softmax("prob", b.FullyConnected("fc", x, options.Classes));
        }

        b.Output(x);
        foreach (int aux in auxOutputs)
        {
            b.Output(aux);
        }

        return b.Build();
    }

    private static int MaxPool(GraphBuilder b, string name, int x)
    {
        using (b.Block(name))
        {
            return b.MaxPool(name, x, PoolWindow.Square(3, 2, ceilMode: true));
        }
    }

    private static int Inception(GraphBuilder b, int x, InceptionWidths w)
    {
        using (b.Block(w.Name))
        {
            string n = w.Name;
            int branch1 = ConvRelu(b, $"{n}.1x1", x, w.Conv1x1, 1);
            int branch2 = ConvRelu(b, $"{n}.3x3", ConvRelu(b, $"{n}.3x3_reduce", x, w.Reduce3x3, 1), w.Conv3x3, 3);
            int branch3 = ConvRelu(b, $"{n}.5x5", ConvRelu(b, $"{n}.5x5_reduce", x, w.Reduce5x5, 1), w.Conv5x5, 5);
            int branch4 = ConvRelu(b, $"{n}.pool_proj", b.MaxPool($"{n}.pool", x, PoolWindow.Square(3, 1, pad: 1)), w.PoolProj, 1);
            return b.Concat($"{n}.output", branch1, branch2, branch3, branch4);
        }
    }

    private static int ConvRelu(GraphBuilder b, string name, int x, int filters, int kernel) =>
        b.Relu($"{name}.relu", b.Conv2d(name, x, filters, Conv2dAttrs.Square(kernel, pad: kernel / 2)));

    /// <summary>5×5/3 average pool, 1×1 conv 128, FC 1024, dropout 70%, FC classes, softmax.</summary>
    private static int AuxiliaryClassifier(GraphBuilder b, string name, int x, int classes)
    {
        using (b.Block(name))
        {
            x = b.AvgPool($"{name}.pool", x, PoolWindow.Square(5, 3));
            x = b.Relu($"{name}.conv.relu", b.Conv2d($"{name}.conv", x, 128, Conv2dAttrs.Square(1)));
            x = b.Relu($"{name}.fc1.relu", b.FullyConnected($"{name}.fc1", b.Flatten($"{name}.flatten", x), 1024));
            x = b.Dropout($"{name}.dropout", x, 0.7f);
            return b.Softmax($"{name}.prob", b.FullyConnected($"{name}.fc2", x, classes));
        }
    }
}
