using CnnGpu.Runtime.Graph;

namespace CnnGpu.Networks.Zoo;

/// <summary>
/// AlexNet. <c>alexnet</c> is the lecture's 64-192-384-256-256 variant (torchvision-compatible
/// parameter names such as <c>features.0.weight</c>); <c>alexnet-v1</c> is Krizhevsky et al. 2012:
/// 96-256-384-384-256 filters, conv2/4/5 split in two groups, LRN after conv1 and conv2.
/// Blocks carry the lecture table's row names (conv1, pool1, …, fc8).
/// </summary>
public static class AlexNet
{
    /// <summary>Default input side: the lecture's table uses 227 (torchvision uses 224).</summary>
    public const int DefaultInput = 227;

    /// <summary>The lecture's (torchvision-compatible) AlexNet.</summary>
    /// <param name="options">Input size, classes, weights.</param>
    public static ComputeGraph Build(NetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var b = options.Builder("alexnet");
        int x = b.Input("data", 3, options.InputOr(DefaultInput), options.InputOr(DefaultInput));
        x = ConvRelu(b, "conv1", "features.0", "features.1", x, 64, Conv2dAttrs.Square(11, stride: 4, pad: 2));
        x = Pool(b, "pool1", "features.2", x);
        x = ConvRelu(b, "conv2", "features.3", "features.4", x, 192, Conv2dAttrs.Square(5, pad: 2));
        x = Pool(b, "pool2", "features.5", x);
        x = ConvRelu(b, "conv3", "features.6", "features.7", x, 384, Conv2dAttrs.Square(3, pad: 1));
        x = ConvRelu(b, "conv4", "features.8", "features.9", x, 256, Conv2dAttrs.Square(3, pad: 1));
        x = ConvRelu(b, "conv5", "features.10", "features.11", x, 256, Conv2dAttrs.Square(3, pad: 1));
        x = Pool(b, "pool5", "features.12", x);
        x = Classifier(b, x, options.Classes, "classifier.0", "classifier.1", "classifier.2", "classifier.3", "classifier.4", "classifier.5", "classifier.6");
        b.Output(x);
        return b.Build();
    }

    /// <summary>Krizhevsky et al. 2012, with its grouped convolutions and LRN.</summary>
    /// <param name="options">Input size, classes, weights.</param>
    public static ComputeGraph BuildV1(NetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var b = options.Builder("alexnet-v1");
        var lrn = new LrnAttrs(5, 1e-4f, 0.75f, 2f);
        int x = b.Input("data", 3, options.InputOr(DefaultInput), options.InputOr(DefaultInput));
        x = ConvRelu(b, "conv1", "conv1", "relu1", x, 96, Conv2dAttrs.Square(11, stride: 4));
        using (b.Block("conv1"))
        {
            x = b.Lrn("norm1", x, lrn);
        }

        x = Pool(b, "pool1", "pool1", x);
        x = ConvRelu(b, "conv2", "conv2", "relu2", x, 256, Conv2dAttrs.Square(5, pad: 2, groups: 2));
        using (b.Block("conv2"))
        {
            x = b.Lrn("norm2", x, lrn);
        }

        x = Pool(b, "pool2", "pool2", x);
        x = ConvRelu(b, "conv3", "conv3", "relu3", x, 384, Conv2dAttrs.Square(3, pad: 1));
        x = ConvRelu(b, "conv4", "conv4", "relu4", x, 384, Conv2dAttrs.Square(3, pad: 1, groups: 2));
        x = ConvRelu(b, "conv5", "conv5", "relu5", x, 256, Conv2dAttrs.Square(3, pad: 1, groups: 2));
        x = Pool(b, "pool5", "pool5", x);
        x = Classifier(b, x, options.Classes, "drop6", "fc6", "relu6", "drop7", "fc7", "relu7", "fc8");
        b.Output(x);
        return b.Build();
    }

    private static int ConvRelu(GraphBuilder b, string block, string conv, string relu, int x, int filters, Conv2dAttrs attrs)
    {
        using (b.Block(block))
        {
            return b.Relu(relu, b.Conv2d(conv, x, filters, attrs));
        }
    }

    private static int Pool(GraphBuilder b, string block, string name, int x)
    {
        using (b.Block(block))
        {
            return b.MaxPool(name, x, PoolWindow.Square(3, 2));
        }
    }

    /// <summary>flatten, dropout, fc6, relu, dropout, fc7, relu, fc8, softmax.</summary>
    private static int Classifier(GraphBuilder b, int x, int classes, string drop6, string fc6, string relu6, string drop7, string fc7, string relu7, string fc8)
    {
        using (b.Block("flatten"))
        {
            x = b.Flatten("flatten", x);
        }

        using (b.Block("fc6"))
        {
            x = b.Relu(relu6, b.FullyConnected(fc6, b.Dropout(drop6, x, 0.5f), 4096));
        }

        using (b.Block("fc7"))
        {
            x = b.Relu(relu7, b.FullyConnected(fc7, b.Dropout(drop7, x, 0.5f), 4096));
        }

        using (b.Block("fc8"))
        {
            return b.Softmax("prob", b.FullyConnected(fc8, x, classes));
        }
    }
}
