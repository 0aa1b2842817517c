using CnnGpu.Runtime.Graph;

namespace CnnGpu.Networks.Zoo;

/// <summary>
/// A small network at 32×32 that uses every op family once — the lineage in miniature:
/// an AlexNet stem (conv-BN-ReLU-LRN-overlapping max pool), a grouped conv, a ResNet
/// bottleneck with an SE gate and residual add, an inception-style concat, global average
/// pooling, FC and softmax. Used to prove backends agree end to end.
/// </summary>
public static class TinyNet
{
    /// <summary>Network name.</summary>
    public const string Name = "tinynet";

    /// <summary>Builds the graph with deterministic weights.</summary>
    /// <param name="classes">Output classes.</param>
    /// <param name="seed">Weight seed.</param>
    public static ComputeGraph Build(int classes = 10, int seed = 7)
    {
        var b = new GraphBuilder(Name, new WeightInitializer(seed));
        int x = b.Input("data", 3, 32, 32);

        // AlexNet-style stem: 32 → 30 (overlapping 3/2 pool gives 15).
        x = b.Conv2d("stem.conv", x, 16, Conv2dAttrs.Square(3, pad: 1), bias: false);
        x = b.BatchNorm("stem.bn", x);
        x = b.Relu("stem.relu", x);
        x = b.Lrn("stem.lrn", x, new LrnAttrs(5, 1e-4f, 0.75f, 2f));
        x = b.MaxPool("stem.pool", x, PoolWindow.Square(3, 2));

        // AlexNet-v1-style grouped convolution.
        x = b.Relu("group.relu", b.Conv2d("group.conv", x, 24, Conv2dAttrs.Square(3, pad: 1, groups: 2)));

        x = Bottleneck(b, "res", x, width: 8);
        x = Inception(b, "mixed", x);

        // 15 → 8 in ceil mode, then the classifier head.
        x = b.MaxPool("pool", x, PoolWindow.Square(2, 2, ceilMode: true));
        x = b.Flatten("flatten", b.GlobalAvgPool("gap", x));
        x = b.Dropout("dropout", x, 0.4f);
        x = b.FullyConnected("fc", x, classes);
        b.Output(b.Softmax("prob", x));
        return b.Build();
    }

    private static int Bottleneck(GraphBuilder b, string name, int x, int width)
    {
        int channels = b.ChannelsOf(x);
        int y = b.Relu($"{name}.relu1", b.BatchNorm($"{name}.bn1", b.Conv2d($"{name}.conv1", x, width, Conv2dAttrs.Square(1), bias: false)));
        y = b.Relu($"{name}.relu2", b.BatchNorm($"{name}.bn2", b.Conv2d($"{name}.conv2", y, width, Conv2dAttrs.Square(3, pad: 1), bias: false)));
        y = b.BatchNorm($"{name}.bn3", b.Conv2d($"{name}.conv3", y, channels, Conv2dAttrs.Square(1), bias: false));
        y = SqueezeExcitation.Append(b, $"{name}.se", y, reduction: 4);
        return b.Relu($"{name}.relu", b.Sum($"{name}.add", y, x));
    }

    private static int Inception(GraphBuilder b, string name, int x)
    {
        int branch1 = b.Relu($"{name}.b1.relu", b.Conv2d($"{name}.b1.conv", x, 8, Conv2dAttrs.Square(1)));
        int branch2 = b.Relu($"{name}.b2.reduce.relu", b.Conv2d($"{name}.b2.reduce", x, 6, Conv2dAttrs.Square(1)));
        branch2 = b.Relu($"{name}.b2.relu", b.Conv2d($"{name}.b2.conv", branch2, 8, Conv2dAttrs.Square(3, pad: 1)));
        int branch3 = b.Relu($"{name}.b3.reduce.relu", b.Conv2d($"{name}.b3.reduce", x, 4, Conv2dAttrs.Square(1)));
        branch3 = b.Relu($"{name}.b3.relu", b.Conv2d($"{name}.b3.conv", branch3, 6, Conv2dAttrs.Square(5, pad: 2)));
        int branch4 = b.MaxPool($"{name}.b4.pool", x, PoolWindow.Square(3, 1, pad: 1));
        branch4 = b.Relu($"{name}.b4.relu", b.Conv2d($"{name}.b4.proj", branch4, 4, Conv2dAttrs.Square(1)));
        return b.Concat($"{name}.concat", branch1, branch2, branch3, branch4);
    }
}
