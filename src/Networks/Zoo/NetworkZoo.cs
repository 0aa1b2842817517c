using System.Collections.Frozen;
using CnnGpu.Runtime;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Networks.Zoo;

/// <summary>The built-in networks by name (<c>alexnet</c>, <c>vgg16</c>, <c>googlenet</c>, <c>resnet50</c>, <c>se-resnet50</c>, <c>resnext50-32x4d</c>, <c>mobilenet-v2</c>, …).</summary>
public static class NetworkZoo
{
    private static readonly FrozenDictionary<string, (string Description, Func<NetworkOptions, ComputeGraph> Build)> Entries =
        new Dictionary<string, (string, Func<NetworkOptions, ComputeGraph>)>(StringComparer.Ordinal)
        {
            ["alexnet"] = ("AlexNet, the lecture's 64-192-384-256-256 variant (torchvision)", AlexNet.Build),
            ["alexnet-v1"] = ("AlexNet, Krizhevsky 2012: 96-256-384-384-256, grouped convs, LRN", AlexNet.BuildV1),
            ["vgg11"] = ("VGG configuration A (11 layers)", Vgg.A),
            ["vgg11-lrn"] = ("VGG configuration A-LRN", Vgg.ALrn),
            ["vgg13"] = ("VGG configuration B (13 layers)", Vgg.B),
            ["vgg16-c"] = ("VGG configuration C (16 layers, 1x1 convs)", Vgg.C),
            ["vgg16"] = ("VGG configuration D (16 layers)", Vgg.D),
            ["vgg19"] = ("VGG configuration E (19 layers)", Vgg.E),
            ["googlenet"] = ("GoogLeNet / Inception v1 (paper: LRN, 5x5 branches, no BN)", GoogLeNet.Build),
            ["resnet18"] = ("ResNet-18 (basic blocks 2-2-2-2)", o => ResNet.Build(ResNet.ResNet18, o)),
            ["resnet34"] = ("ResNet-34 (basic blocks 3-4-6-3)", o => ResNet.Build(ResNet.ResNet34, o)),
            ["resnet50"] = ("ResNet-50 (bottlenecks 3-4-6-3)", o => ResNet.Build(ResNet.ResNet50, o)),
            ["resnet101"] = ("ResNet-101 (bottlenecks 3-4-23-3)", o => ResNet.Build(ResNet.ResNet101, o)),
            ["resnet152"] = ("ResNet-152 (bottlenecks 3-8-36-3)", o => ResNet.Build(ResNet.ResNet152, o)),
            ["se-resnet50"] = ("SE-ResNet-50 (SE r=16 on every bottleneck)", o => ResNet.Build(ResNet.SeResNet50, o)),
            ["se-resnet101"] = ("SE-ResNet-101", o => ResNet.Build(ResNet.SeResNet101, o)),
            ["se-resnet152"] = ("SE-ResNet-152", o => ResNet.Build(ResNet.SeResNet152, o)),
            ["resnext50-32x4d"] = ("ResNeXt-50 (32x4d: grouped 3x3, cardinality 32, width 4)", o => ResNet.Build(ResNet.ResNeXt50, o)),
            ["resnext101-32x4d"] = ("ResNeXt-101 (32x4d)", o => ResNet.Build(ResNet.ResNeXt101, o)),
            ["se-resnext50"] = ("SE-ResNeXt-50 (32x4d, SE r=16 on every bottleneck)", o => ResNet.Build(ResNet.SeResNeXt50, o)),
            ["se-resnext101"] = ("SE-ResNeXt-101 (32x4d)", o => ResNet.Build(ResNet.SeResNeXt101, o)),
            ["se-vgg16"] = ("SE-VGG-16 (BN and SE r=16 after every conv)", Vgg.SeD),
            ["bn-inception"] = ("BN-Inception (Ioffe & Szegedy 2015: BN, double 3x3, stride-2 modules)", BnInception.Build),
            ["se-bn-inception"] = ("SE-BN-Inception (SE on every inception module)", BnInception.BuildSe),
            ["inception-resnet-v2"] = ("Inception-ResNet-v2 (299x299; 5/10/5 scaled residual inception modules)", InceptionResNetV2.Build),
            ["se-inception-resnet-v2"] = ("SE-Inception-ResNet-v2 (SE on every residual branch)", InceptionResNetV2.BuildSe),
            ["mobilenet-v1"] = ("MobileNet v1 (depthwise-separable convs, width 1.0)", MobileNetV1.Build),
            ["mobilenet-v2"] = ("MobileNet v2 (inverted residuals, linear bottlenecks, ReLU6)", MobileNetV2.Build),
            ["shufflenet-v2-1.0"] = ("ShuffleNet v2 1.0x (channel split and shuffle)", ShuffleNetV2.Build),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly string[] Ordered =
    [
        "alexnet", "alexnet-v1", "vgg11", "vgg11-lrn", "vgg13", "vgg16-c", "vgg16", "vgg19", "googlenet",
        "resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "se-resnet50", "se-resnet101", "se-resnet152",
        "resnext50-32x4d", "resnext101-32x4d", "se-resnext50", "se-resnext101", "se-vgg16", "bn-inception", "se-bn-inception",
        "inception-resnet-v2", "se-inception-resnet-v2", "mobilenet-v1", "mobilenet-v2", "shufflenet-v2-1.0",
    ];

    /// <summary>Every zoo name, in lineage order.</summary>
    public static IReadOnlyList<string> Names => Ordered;

    /// <summary>Whether <paramref name="name"/> is a zoo network.</summary>
    /// <param name="name">A name.</param>
    public static bool Contains(string name) => Entries.ContainsKey(name);

    /// <summary>One-line description of a zoo network.</summary>
    /// <param name="name">A zoo name.</param>
    public static string Describe(string name) => Entries[name].Description;

    /// <summary>Builds a zoo network.</summary>
    /// <param name="name">A zoo name (see <see cref="Names"/>).</param>
    /// <param name="options">Input size, stride placement, classes, weights; null for defaults.</param>
    /// <exception cref="CnnGpuException">Unknown name, or an input too small for the architecture.</exception>
    public static ComputeGraph Build(string name, NetworkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Entries.TryGetValue(name, out var entry))
        {
            throw new CnnGpuException($"Unknown network '{name}'. The zoo has: {string.Join(", ", Ordered)}.");
        }

        return entry.Build(options ?? NetworkOptions.Default);
    }
}
