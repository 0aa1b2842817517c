using System.Globalization;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Networks.Zoo;

/// <summary>
/// MobileNet v1 (Howard et al. 2017, Table 1, width multiplier 1.0): a 3×3/2 conv of 32, then 13
/// depthwise-separable layers (3×3 depthwise conv, BN, ReLU; 1×1 pointwise conv, BN, ReLU), global
/// average pooling and one FC. 4.2M parameters and 569M MACs at 224×224.
/// </summary>
/// <remarks>
/// Table 1 prints the last depthwise layer as "Conv dw / s2" on a 7×7 input with a 7×7 output; the
/// stride is 1 there (as in the released models), so the map stays 7×7. The paper uses ReLU (the
/// released TensorFlow models clip at 6; ReLU6 is MobileNet v2's). torchvision has no MobileNet v1;
/// names are <c>features.N.depthwise</c>, <c>features.N.pointwise</c> with their <c>_bn</c>.
/// </remarks>
public static class MobileNetV1
{
    /// <summary>The 13 separable layers: pointwise width and depthwise stride.</summary>
    private static readonly (int Filters, int Stride)[] Layers =
    [
        (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
        (512, 1), (512, 1), (512, 1), (512, 1), (512, 1),
        (1024, 2), (1024, 1),
    ];

    /// <summary>Builds MobileNet v1.</summary>
    /// <param name="options">Input size, classes, weights.</param>
    public static ComputeGraph Build(NetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var b = options.Builder("mobilenet-v1");
        int size = options.InputOr(224);
        int x = b.Input("data", 3, size, size);
        using (b.Block("conv1"))
        {
            x = BnInception.ConvBnRelu(b, "features.0.conv", x, 32, Conv2dAttrs.Square(3, stride: 2, pad: 1));
        }

        for (int i = 0; i < Layers.Length; i++)
        {
            var (filters, stride) = Layers[i];
            string n = $"features.{(i + 1).ToString(CultureInfo.InvariantCulture)}";
            using (b.Block($"conv_dw{(i + 1).ToString(CultureInfo.InvariantCulture)}"))
            {
                int channels = b.ChannelsOf(x);
                x = BnInception.ConvBnRelu(b, $"{n}.depthwise", x, channels, Conv2dAttrs.Square(3, stride, 1, groups: channels));
                x = BnInception.ConvBnRelu(b, $"{n}.pointwise", x, filters, Conv2dAttrs.Square(1));
            }
        }

        using (b.Block("pool"))
        {
            x = b.Flatten("flatten", b.GlobalAvgPool("avgpool", x));
        }

        using (b.Block("fc"))
        {
            b.Output(b.Softmax("prob", b.FullyConnected("fc", x, options.Classes)));
        }

        return b.Build();
    }
}
