using System.Globalization;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Networks.Zoo;

/// <summary>
/// MobileNet v2 (Sandler et al. 2018, Table 2, width 1.0): a 3×3/2 conv of 32, seventeen inverted
/// residual bottlenecks — 1×1 expansion by t, 3×3 depthwise, linear 1×1 projection (no activation),
/// with an identity shortcut where stride is 1 and width is kept — a 1×1 conv to 1280, global average
/// pooling and one FC. Every non-linear conv is conv, BN, ReLU6. 3.5M parameters and 300M MACs at 224×224.
/// Built like torchvision's <c>mobilenet_v2</c>, with its parameter names (<c>features.2.conv.1.0.weight</c>,
/// <c>classifier.1.weight</c>).
/// </summary>
public static class MobileNetV2
{
    /// <summary>Table 2's bottleneck rows: expansion t, output channels c, repeats n, first stride s.</summary>
    private static readonly (int T, int C, int N, int S)[] Rows =
    [
        (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1),
    ];

    /// <summary>Builds MobileNet v2.</summary>
    /// <param name="options">Input size, classes, weights.</param>
    public static ComputeGraph Build(NetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var b = options.Builder("mobilenet-v2");
        int size = options.InputOr(224);
        int x = b.Input("data", 3, size, size);
        using (b.Block("conv1"))
        {
            x = ConvBnRelu6(b, "features.0", x, 32, Conv2dAttrs.Square(3, stride: 2, pad: 1));
        }

        int index = 1;
        for (int row = 0; row < Rows.Length; row++)
        {
            var (t, c, n, s) = Rows[row];
            using (b.Block($"bottleneck{(row + 1).ToString(CultureInfo.InvariantCulture)}"))
            {
                for (int i = 0; i < n; i++)
                {
                    x = InvertedResidual(b, $"features.{(index++).ToString(CultureInfo.InvariantCulture)}", x, t, c, i == 0 ? s : 1);
                }
            }
        }

        using (b.Block("conv2"))
        {
            x = ConvBnRelu6(b, $"features.{index.ToString(CultureInfo.InvariantCulture)}", x, 1280, Conv2dAttrs.Square(1));
        }

        using (b.Block("pool"))
        {
            x = b.Flatten("flatten", b.GlobalAvgPool("avgpool", x));
        }

        using (b.Block("fc"))
        {
            x = b.Dropout("classifier.0", x, 0.2f);
            b.Output(b.Softmax("prob", b.FullyConnected("classifier.1", x, options.Classes)));
        }

        return b.Build();
    }

    /// <summary>Expand (unless t = 1), depthwise, linear project; add the input where the shape is kept.</summary>
    private static int InvertedResidual(GraphBuilder b, string name, int x, int t, int outChannels, int stride)
    {
        int inChannels = b.ChannelsOf(x);
        int hidden = inChannels * t;
        int layer = 0;
        string Next() => $"{name}.conv.{(layer++).ToString(CultureInfo.InvariantCulture)}";
        int y = x;
        if (t != 1)
        {
            y = ConvBnRelu6(b, Next(), y, hidden, Conv2dAttrs.Square(1));
        }

        y = ConvBnRelu6(b, Next(), y, hidden, Conv2dAttrs.Square(3, stride, 1, groups: hidden));
        y = b.Conv2d(Next(), y, outChannels, Conv2dAttrs.Square(1), bias: false);
        y = b.BatchNorm(Next(), y);
        return stride == 1 && inChannels == outChannels ? b.Sum($"{name}.add", x, y) : y;
    }

    /// <summary>torchvision's Conv2dNormActivation: <c>name.0</c> conv (no bias), <c>name.1</c> BN, <c>name.2</c> ReLU6.</summary>
    private static int ConvBnRelu6(GraphBuilder b, string name, int x, int filters, Conv2dAttrs attrs) =>
        b.Relu6($"{name}.2", b.BatchNorm($"{name}.1", b.Conv2d($"{name}.0", x, filters, attrs, bias: false)));
}
