using System.Globalization;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Networks.Zoo;

/// <summary>
/// VGG (Simonyan &amp; Zisserman, Table 1): configurations A, A-LRN, B, C, D, E. Every conv is 3×3
/// stride 1 pad 1 + ReLU (C's extra convs are 1×1), each stage ends in a 2×2/2 max pool, then
/// FC-4096, FC-4096, FC-classes and softmax. Parameter names follow torchvision's Sequential
/// indices (<c>features.0</c>, <c>classifier.6</c>); blocks are <c>stage1</c>…<c>stage5</c>, <c>fc6</c>…<c>fc8</c>.
/// </summary>
/// <remarks>
/// SE-VGG-16 follows the SE paper's Section 6.1: batch norm after every convolution (which the authors add
/// to train VGG-16 from scratch; indices then match torchvision's <c>vgg16_bn</c>) and an SE block (r = 16)
/// on every convolution's output after its ReLU, named after that ReLU (<c>features.2.se.fc1</c>). The paper
/// does not draw SE-VGG; gating each conv layer is its non-residual recipe (SE on the transformation's output).
/// </remarks>
public static class Vgg
{
    /// <summary>One conv layer of a stage: its width, and whether it is C's 1×1 conv.</summary>
    private readonly record struct Layer(int Filters, bool Pointwise = false);

    /// <summary>Configuration A (VGG-11).</summary>
    /// <param name="options">Input size, classes, weights.</param>
    public static ComputeGraph A(NetworkOptions options) => Build("vgg11", Stages([1, 1, 2, 2, 2]), lrnAfterFirst: false, options);

    /// <summary>Configuration A-LRN: A with LRN after the first conv.</summary>
    /// <param name="options">Input size, classes, weights.</param>
    public static ComputeGraph ALrn(NetworkOptions options) => Build("vgg11-lrn", Stages([1, 1, 2, 2, 2]), lrnAfterFirst: true, options);

    /// <summary>Configuration B (VGG-13).</summary>
    /// <param name="options">Input size, classes, weights.</param>
    public static ComputeGraph B(NetworkOptions options) => Build("vgg13", Stages([2, 2, 2, 2, 2]), lrnAfterFirst: false, options);

    /// <summary>Configuration C: B plus a 1×1 conv at the end of stages 3–5.</summary>
    /// <param name="options">Input size, classes, weights.</param>
    public static ComputeGraph C(NetworkOptions options)
    {
        var stages = Stages([2, 2, 2, 2, 2]);
        for (int s = 2; s < 5; s++)
        {
            stages[s] = [.. stages[s], new Layer(stages[s][0].Filters, Pointwise: true)];
        }

        return Build("vgg16-c", stages, lrnAfterFirst: false, options);
    }

    /// <summary>Configuration D (VGG-16).</summary>
    /// <param name="options">Input size, classes, weights.</param>
    public static ComputeGraph D(NetworkOptions options) => Build("vgg16", Stages([2, 2, 3, 3, 3]), lrnAfterFirst: false, options);

    /// <summary>SE-VGG-16: configuration D with batch norm and an SE block after every convolution.</summary>
    /// <param name="options">Input size, classes, weights.</param>
    public static ComputeGraph SeD(NetworkOptions options) => Build("se-vgg16", Stages([2, 2, 3, 3, 3]), lrnAfterFirst: false, options, squeezeExcite: true);

    /// <summary>Configuration E (VGG-19).</summary>
    /// <param name="options">Input size, classes, weights.</param>
    public static ComputeGraph E(NetworkOptions options) => Build("vgg19", Stages([2, 2, 4, 4, 4]), lrnAfterFirst: false, options);

    private static Layer[][] Stages(int[] convsPerStage)
    {
        int[] widths = [64, 128, 256, 512, 512];
        return [.. convsPerStage.Select((count, s) => Enumerable.Repeat(new Layer(widths[s]), count).ToArray())];
    }

    private static ComputeGraph Build(string name, Layer[][] stages, bool lrnAfterFirst, NetworkOptions options, bool squeezeExcite = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        var b = options.Builder(name);
        int size = options.InputOr(224);
        int x = b.Input("data", 3, size, size);
        int index = 0;
        string Next() => $"features.{(index++).ToString(CultureInfo.InvariantCulture)}";
        for (int s = 0; s < stages.Length; s++)
        {
            using (b.Block($"stage{s + 1}"))
            {
                foreach (var layer in stages[s])
                {
                    var attrs = layer.Pointwise ? Conv2dAttrs.Square(1) : Conv2dAttrs.Square(3, pad: 1);
                    x = b.Conv2d(Next(), x, layer.Filters, attrs);
                    if (squeezeExcite)
                    {
                        x = b.BatchNorm(Next(), x);
                    }

                    string relu = Next();
                    x = b.Relu(relu, x);
                    if (squeezeExcite)
                    {
                        x = SqueezeExcitation.Append(b, $"{relu}.se", x);
                    }

                    if (lrnAfterFirst && s == 0)
                    {
                        // Krizhevsky's LRN constants, as the VGG paper uses them for A-LRN.
                        x = b.Lrn(Next(), x, new LrnAttrs(5, 1e-4f, 0.75f, 2f));
                        lrnAfterFirst = false;
                    }
                }

                x = b.MaxPool(Next(), x, PoolWindow.Square(2, 2));
            }
        }

        using (b.Block("flatten"))
        {
            x = b.Flatten("flatten", x);
        }

        using (b.Block("fc6"))
        {
            x = b.Dropout("classifier.2", b.Relu("classifier.1", b.FullyConnected("classifier.0", x, 4096)), 0.5f);
        }

        using (b.Block("fc7"))
        {
            x = b.Dropout("classifier.5", b.Relu("classifier.4", b.FullyConnected("classifier.3", x, 4096)), 0.5f);
        }

        using (b.Block("fc8"))
        {
            b.Output(b.Softmax("prob", b.FullyConnected("classifier.6", x, options.Classes)));
        }

        return b.Build();
    }
}
