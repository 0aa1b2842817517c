using System.Globalization;

namespace CnnGpu.Perf;

/// <summary>One convolution layer's shape at batch 1 (square input, kernel, stride and padding).</summary>
/// <param name="Name">Where it comes from, e.g. <c>r50.l2.3x3s2</c>.</param>
/// <param name="InChannels">Input channels.</param>
/// <param name="Size">Input height and width.</param>
/// <param name="OutChannels">Filters.</param>
/// <param name="Kernel">Kernel height and width.</param>
/// <param name="Stride">Stride.</param>
/// <param name="Pad">Padding on every side.</param>
public sealed record ConvShape(string Name, int InChannels, int Size, int OutChannels, int Kernel, int Stride, int Pad)
{
    /// <summary>Output height and width.</summary>
    public int OutSize => ((Size + (2 * Pad) - Kernel) / Stride) + 1;

    /// <summary>Multiply-accumulates of one image.</summary>
    public long Macs => (long)OutSize * OutSize * OutChannels * InChannels * Kernel * Kernel;

    /// <summary>What defines the computation (the name aside): shapes that agree here are one benchmark.</summary>
    public (int, int, int, int, int, int) Key => (InChannels, Size, OutChannels, Kernel, Stride, Pad);

    /// <summary>The label BenchmarkDotNet shows: name, kernel/stride, channels and input size.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name} {Kernel}x{Kernel}/{Stride} {InChannels}-{OutChannels} @{Size}");
}

/// <summary>
/// The distinct convolution shapes of the seed networks at 224×224, batch 1: where the cpu backend's time goes.
/// ResNet-50 is torchvision's v1.5 (stride on the 3×3), GoogLeNet the paper's (true 5×5 branches).
/// </summary>
public static class ConvShapes
{
    /// <summary>Every shape, duplicates across networks removed (the first name wins).</summary>
    public static IReadOnlyList<ConvShape> All { get; } = Build();

    private static List<ConvShape> Build()
    {
        var shapes = new List<ConvShape>
        {
            // ResNet-50: stem, then per stage the bottleneck's 1×1 reduce, 3×3, 1×1 expand, the 1×1 that
            // reduces the previous stage's output, and (stages 2–4) the stride-2 3×3 and projection shortcut.
            new("r50.stem", 3, 224, 64, 7, 2, 3),
            new("r50.l1.1x1in", 64, 56, 64, 1, 1, 0),
            new("r50.l1.3x3", 64, 56, 64, 3, 1, 1),
            new("r50.l1.1x1out", 64, 56, 256, 1, 1, 0),
            new("r50.l1.1x1red", 256, 56, 64, 1, 1, 0),
            new("r50.l2.1x1in", 256, 56, 128, 1, 1, 0),
            new("r50.l2.3x3s2", 128, 56, 128, 3, 2, 1),
            new("r50.l2.proj", 256, 56, 512, 1, 2, 0),
            new("r50.l2.1x1out", 128, 28, 512, 1, 1, 0),
            new("r50.l2.1x1red", 512, 28, 128, 1, 1, 0),
            new("r50.l2.3x3", 128, 28, 128, 3, 1, 1),
            new("r50.l3.1x1in", 512, 28, 256, 1, 1, 0),
            new("r50.l3.3x3s2", 256, 28, 256, 3, 2, 1),
            new("r50.l3.proj", 512, 28, 1024, 1, 2, 0),
            new("r50.l3.1x1out", 256, 14, 1024, 1, 1, 0),
            new("r50.l3.1x1red", 1024, 14, 256, 1, 1, 0),
            new("r50.l3.3x3", 256, 14, 256, 3, 1, 1),
            new("r50.l4.1x1in", 1024, 14, 512, 1, 1, 0),
            new("r50.l4.3x3s2", 512, 14, 512, 3, 2, 1),
            new("r50.l4.proj", 1024, 14, 2048, 1, 2, 0),
            new("r50.l4.1x1out", 512, 7, 2048, 1, 1, 0),
            new("r50.l4.1x1red", 2048, 7, 512, 1, 1, 0),
            new("r50.l4.3x3", 512, 7, 512, 3, 1, 1),

            // VGG-16: the 3×3 convolutions of each resolution (first conv of a stage changes the channels).
            new("vgg16.c1_1", 3, 224, 64, 3, 1, 1),
            new("vgg16.c1_2", 64, 224, 64, 3, 1, 1),
            new("vgg16.c2_1", 64, 112, 128, 3, 1, 1),
            new("vgg16.c2_2", 128, 112, 128, 3, 1, 1),
            new("vgg16.c3_1", 128, 56, 256, 3, 1, 1),
            new("vgg16.c3_2", 256, 56, 256, 3, 1, 1),
            new("vgg16.c4_1", 256, 28, 512, 3, 1, 1),
            new("vgg16.c4_2", 512, 28, 512, 3, 1, 1),
            new("vgg16.c5", 512, 14, 512, 3, 1, 1),

            // GoogLeNet: inception 3a/3b at 28×28 and 4a/4e at 14×14 — the 1×1 branch, the 3×3 and 5×5 after their reductions.
            new("g.3a.1x1", 192, 28, 64, 1, 1, 0),
            new("g.3a.3x3", 96, 28, 128, 3, 1, 1),
            new("g.3a.5x5", 16, 28, 32, 5, 1, 2),
            new("g.3b.1x1", 256, 28, 128, 1, 1, 0),
            new("g.3b.3x3", 128, 28, 192, 3, 1, 1),
            new("g.3b.5x5", 32, 28, 96, 5, 1, 2),
            new("g.4a.1x1", 480, 14, 192, 1, 1, 0),
            new("g.4a.3x3", 96, 14, 208, 3, 1, 1),
            new("g.4a.5x5", 16, 14, 48, 5, 1, 2),
            new("g.4e.1x1", 528, 14, 256, 1, 1, 0),
            new("g.4e.3x3", 160, 14, 320, 3, 1, 1),
            new("g.4e.5x5", 32, 14, 128, 5, 1, 2),

            // AlexNet (torchvision's 64-192 variant at 224): the 11×11/4 stem and the 5×5.
            new("alex.conv1", 3, 224, 64, 11, 4, 2),
            new("alex.conv2", 64, 27, 192, 5, 1, 2),
        };
        return [.. shapes.DistinctBy(s => s.Key)];
    }
}
