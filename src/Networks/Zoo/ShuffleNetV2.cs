using System.Globalization;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Networks.Zoo;

/// <summary>
/// ShuffleNet v2 1.0× (Ma et al. 2018, Table 5): a 3×3/2 conv of 24 and a 3×3/2 max pool, stages of
/// 4, 8 and 4 units at 116, 232 and 464 channels, a 1×1 conv to 1024, global average pooling and one FC.
/// A stride-1 unit splits its channels in half (<see cref="OpKind.ChannelSlice"/>), keeps one half and
/// sends the other through 1×1, 3×3 depthwise, 1×1; a stride-2 unit sends the whole input through two
/// branches (3×3/2 depthwise, 1×1 | 1×1, 3×3/2 depthwise, 1×1). Either way the halves are concatenated and
/// shuffled over two groups. 2.3M parameters and 146M MACs at 224×224. Built like torchvision's
/// <c>shufflenet_v2_x1_0</c>, with its parameter names (<c>stage2.0.branch1.2.weight</c>, <c>conv5.0.weight</c>).
/// </summary>
public static class ShuffleNetV2
{
    private static readonly int[] Repeats = [4, 8, 4];
    private static readonly int[] Widths = [116, 232, 464];

    /// <summary>Builds ShuffleNet v2 1.0×.</summary>
    /// <param name="options">Input size, classes, weights.</param>
    public static ComputeGraph Build(NetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var b = options.Builder("shufflenet-v2-1.0");
        int size = options.InputOr(224);
        int x = b.Input("data", 3, size, size);
        using (b.Block("conv1"))
        {
            x = ConvBn(b, "conv1", x, 24, Conv2dAttrs.Square(3, stride: 2, pad: 1), relu: true);
        }

        using (b.Block("maxpool"))
        {
            x = b.MaxPool("maxpool", x, PoolWindow.Square(3, 2, pad: 1));
        }

        for (int s = 0; s < Repeats.Length; s++)
        {
            string stage = $"stage{(s + 2).ToString(CultureInfo.InvariantCulture)}";
            using (b.Block(stage))
            {
                for (int i = 0; i < Repeats[s]; i++)
                {
                    x = Unit(b, $"{stage}.{i.ToString(CultureInfo.InvariantCulture)}", x, Widths[s], i == 0 ? 2 : 1);
                }
            }
        }

        using (b.Block("conv5"))
        {
            x = ConvBn(b, "conv5", x, 1024, Conv2dAttrs.Square(1), relu: true);
        }

        using (b.Block("pool"))
        {
            x = b.Flatten("flatten", b.GlobalAvgPool("globalpool", x));
        }

        using (b.Block("fc"))
        {
            b.Output(b.Softmax("prob", b.FullyConnected("fc", x, options.Classes)));
        }

        return b.Build();
    }

    /// <summary>One unit of <paramref name="outChannels"/>: split (stride 1) or two branches (stride 2), concat, shuffle.</summary>
    private static int Unit(GraphBuilder b, string name, int x, int outChannels, int stride)
    {
        int half = outChannels / 2;
        int left, right;
        if (stride == 1)
        {
            left = b.ChannelSlice($"{name}.split0", x, 0, half);
            right = Branch2(b, name, b.ChannelSlice($"{name}.split1", x, half, half), half, stride);
        }
        else
        {
            int inChannels = b.ChannelsOf(x);
            left = ConvBn(b, $"{name}.branch1.0", x, inChannels, Conv2dAttrs.Square(3, stride, 1, groups: inChannels), relu: false, bnIndex: 1);
            left = ConvBn(b, $"{name}.branch1.2", left, half, Conv2dAttrs.Square(1), relu: true, bnIndex: 3);
            right = Branch2(b, name, x, half, stride);
        }

        return b.ChannelShuffle($"{name}.shuffle", b.Concat($"{name}.concat", left, right), 2);
    }

    /// <summary>branch2: 1×1 (BN, ReLU), 3×3 depthwise (BN), 1×1 (BN, ReLU), at torchvision's indices 0–7.</summary>
    private static int Branch2(GraphBuilder b, string name, int x, int channels, int stride)
    {
        string n = $"{name}.branch2";
        x = ConvBn(b, $"{n}.0", x, channels, Conv2dAttrs.Square(1), relu: true, bnIndex: 1);
        x = ConvBn(b, $"{n}.3", x, channels, Conv2dAttrs.Square(3, stride, 1, groups: channels), relu: false, bnIndex: 4);
        return ConvBn(b, $"{n}.5", x, channels, Conv2dAttrs.Square(1), relu: true, bnIndex: 6);
    }

    /// <summary>
    /// A conv (no bias) and its BN, optionally ReLU. Inside a Sequential the three are siblings: the conv is
    /// <paramref name="conv"/>; the BN replaces the conv's last index by <paramref name="bnIndex"/> and the ReLU
    /// takes the next. Outside (conv1, conv5) they are <c>conv.0</c>, <c>conv.1</c>, <c>conv.2</c>.
    /// </summary>
    private static int ConvBn(GraphBuilder b, string conv, int x, int filters, Conv2dAttrs attrs, bool relu, int? bnIndex = null)
    {
        string convName, bnName, reluName;
        if (bnIndex is int index)
        {
            string parent = conv[..conv.LastIndexOf('.')];
            convName = conv;
            bnName = $"{parent}.{index.ToString(CultureInfo.InvariantCulture)}";
            reluName = $"{parent}.{(index + 1).ToString(CultureInfo.InvariantCulture)}";
        }
        else
        {
            (convName, bnName, reluName) = ($"{conv}.0", $"{conv}.1", $"{conv}.2");
        }

        int y = b.BatchNorm(bnName, b.Conv2d(convName, x, filters, attrs, bias: false));
        return relu ? b.Relu(reluName, y) : y;
    }
}
