using CnnGpu.Runtime.Graph;

namespace CnnGpu.Networks.Zoo;

/// <summary>
/// ResNet (He et al., Table 1), ResNeXt (Xie et al. 2017: the bottleneck's 3×3 split into
/// <c>cardinality</c> groups of <c>width</c> channels), and their SE variants (Hu et al.), built like
/// torchvision's ResNet:
/// <c>MakeLayer(planes, blocks, stride)</c> of <c>BasicBlock</c>s or
/// <c>Bottleneck</c>s, with torchvision's parameter names (<c>layer1.0.conv1.weight</c>,
/// <c>layer2.0.downsample.0.weight</c>, <c>fc.weight</c>). Blocks are the paper's rows:
/// conv1, conv2_x (max pool included) … conv5_x, fc.
/// </summary>
/// <remarks>
/// Stride placement: by default a downsampling bottleneck strides on its 3×3, as torchvision (v1.5) and the
/// ResNeXt paper do; <see cref="NetworkOptions.StrideOnFirst1x1"/> moves it to the first 1×1 (ResNet v1).
/// SENet's Table 2 uses each base paper's own placement: its ResNet figures (3.86 G for ResNet-50) are v1's,
/// its ResNeXt figures (4.24 G for ResNeXt-50; 3.77 G with the stride on the 1×1) the 3×3's.
/// SE-ResNeXt follows the SE paper's Table 1: ResNeXt's bottleneck with the SE gate before the addition.
/// </remarks>
public static class ResNet
{
    /// <summary>The block type of a ResNet depth.</summary>
    public enum BlockKind
    {
        /// <summary>Two 3×3 convs (ResNet-18/34).</summary>
        Basic,

        /// <summary>1×1 reduce, 3×3, 1×1 expand ×4 (ResNet-50/101/152).</summary>
        Bottleneck,
    }

    /// <summary>A ResNet variant: block kind, blocks per stage, and whether each block carries an SE gate.</summary>
    /// <param name="Name">Zoo name.</param>
    /// <param name="Kind">Block kind.</param>
    /// <param name="BlocksPerStage">Blocks in conv2_x … conv5_x.</param>
    /// <param name="SqueezeExcite">SE on the residual branch before the addition (reduction 16).</param>
    /// <param name="Cardinality">Groups of the bottleneck's 3×3 (ResNeXt's C; 1 for ResNet).</param>
    /// <param name="WidthPerGroup">Channels per group at the first stage (ResNeXt's d; 64 for ResNet), scaled with the stage's width
    /// as torchvision does: a bottleneck's inner width is <c>planes·d/64·C</c>.</param>
    public sealed record Spec(string Name, BlockKind Kind, int[] BlocksPerStage, bool SqueezeExcite = false, int Cardinality = 1, int WidthPerGroup = 64);

    /// <summary>ResNet-18.</summary>
    public static Spec ResNet18 { get; } = new("resnet18", BlockKind.Basic, [2, 2, 2, 2]);

    /// <summary>ResNet-34.</summary>
    public static Spec ResNet34 { get; } = new("resnet34", BlockKind.Basic, [3, 4, 6, 3]);

    /// <summary>ResNet-50.</summary>
    public static Spec ResNet50 { get; } = new("resnet50", BlockKind.Bottleneck, [3, 4, 6, 3]);

    /// <summary>ResNet-101.</summary>
    public static Spec ResNet101 { get; } = new("resnet101", BlockKind.Bottleneck, [3, 4, 23, 3]);

    /// <summary>ResNet-152.</summary>
    public static Spec ResNet152 { get; } = new("resnet152", BlockKind.Bottleneck, [3, 8, 36, 3]);

    /// <summary>SE-ResNet-50.</summary>
    public static Spec SeResNet50 { get; } = ResNet50 with { Name = "se-resnet50", SqueezeExcite = true };

    /// <summary>SE-ResNet-101.</summary>
    public static Spec SeResNet101 { get; } = ResNet101 with { Name = "se-resnet101", SqueezeExcite = true };

    /// <summary>SE-ResNet-152.</summary>
    public static Spec SeResNet152 { get; } = ResNet152 with { Name = "se-resnet152", SqueezeExcite = true };

    /// <summary>ResNeXt-50 (32×4d): ResNet-50's stages with a 32-group 3×3 of 4 channels per group at conv2_x.</summary>
    public static Spec ResNeXt50 { get; } = ResNet50 with { Name = "resnext50-32x4d", Cardinality = 32, WidthPerGroup = 4 };

    /// <summary>ResNeXt-101 (32×4d).</summary>
    public static Spec ResNeXt101 { get; } = ResNet101 with { Name = "resnext101-32x4d", Cardinality = 32, WidthPerGroup = 4 };

    /// <summary>SE-ResNeXt-50 (32×4d), the SE paper's Table 1 right column.</summary>
    public static Spec SeResNeXt50 { get; } = ResNeXt50 with { Name = "se-resnext50", SqueezeExcite = true };

    /// <summary>SE-ResNeXt-101 (32×4d).</summary>
    public static Spec SeResNeXt101 { get; } = ResNeXt101 with { Name = "se-resnext101", SqueezeExcite = true };

    /// <summary>Builds <paramref name="spec"/>.</summary>
    /// <param name="spec">Which ResNet.</param>
    /// <param name="options">Input size, stride placement, classes, weights.</param>
    public static ComputeGraph Build(Spec spec, NetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        var net = new Builder(options.Builder(spec.Name), spec, options.StrideOnFirst1x1);
        int size = options.InputOr(224);
        return net.Build(size, options.Classes);
    }

    /// <summary>
    /// γ scale of each residual branch's last batch norm in the seeded initialisation: with random
    /// running statistics BN does not normalise, so full-size branches would double the activation
    /// variance per block and make ResNet-152 chaotic (a 1e-6 input change moved its logits 90×).
    /// </summary>
    private const float ResidualGamma = 0.2f;

    /// <summary>Carries the builder state the paper's helpers share (current width, options).</summary>
    private sealed class Builder(GraphBuilder b, Spec spec, bool strideOnFirst1x1)
    {
        private int _inplanes = 64;

        private int Expansion => spec.Kind == BlockKind.Bottleneck ? 4 : 1;

        public ComputeGraph Build(int size, int classes)
        {
            int x = b.Input("data", 3, size, size);
            using (b.Block("conv1"))
            {
                x = b.Conv2d("conv1", x, 64, Conv2dAttrs.Square(7, stride: 2, pad: 3), bias: false);
                x = b.Relu("relu", b.BatchNorm("bn1", x));
            }

            using (b.Block("conv2_x"))
            {
                x = b.MaxPool("maxpool", x, PoolWindow.Square(3, 2, pad: 1));
                x = MakeLayer("layer1", x, 64, spec.BlocksPerStage[0], 1);
            }

            using (b.Block("conv3_x"))
            {
                x = MakeLayer("layer2", x, 128, spec.BlocksPerStage[1], 2);
            }

            using (b.Block("conv4_x"))
            {
                x = MakeLayer("layer3", x, 256, spec.BlocksPerStage[2], 2);
            }

            using (b.Block("conv5_x"))
            {
                x = MakeLayer("layer4", x, 512, spec.BlocksPerStage[3], 2);
            }

            using (b.Block("fc"))
            {
                x = b.Flatten("flatten", b.GlobalAvgPool("avgpool", x));
                b.Output(b.Softmax("prob", b.FullyConnected("fc", x, classes)));
            }

            return b.Build();
        }

        /// <summary>One stage: the first block may downsample (stride) and widen; the rest keep the shape.</summary>
        private int MakeLayer(string name, int x, int planes, int blocks, int stride)
        {
            for (int i = 0; i < blocks; i++)
            {
                string block = $"{name}.{i}";
                x = spec.Kind == BlockKind.Bottleneck
                    ? Bottleneck(block, x, planes, i == 0 ? stride : 1)
                    : BasicBlock(block, x, planes, i == 0 ? stride : 1);
            }

            return x;
        }

        private int BasicBlock(string name, int x, int planes, int stride)
        {
            int y = b.Relu($"{name}.relu1", b.BatchNorm($"{name}.bn1", b.Conv2d($"{name}.conv1", x, planes, Conv2dAttrs.Square(3, stride, 1), bias: false)));
            y = b.BatchNorm($"{name}.bn2", b.Conv2d($"{name}.conv2", y, planes, Conv2dAttrs.Square(3, pad: 1), bias: false), gammaScale: ResidualGamma);
            return Residual(name, x, y, planes, stride);
        }

        private int Bottleneck(string name, int x, int planes, int stride)
        {
            int stride1x1 = strideOnFirst1x1 ? stride : 1;
            int stride3x3 = strideOnFirst1x1 ? 1 : stride;
            int width = planes * spec.WidthPerGroup / 64 * spec.Cardinality;
            int y = b.Relu($"{name}.relu1", b.BatchNorm($"{name}.bn1", b.Conv2d($"{name}.conv1", x, width, Conv2dAttrs.Square(1, stride1x1), bias: false)));
            y = b.Relu($"{name}.relu2", b.BatchNorm($"{name}.bn2", b.Conv2d($"{name}.conv2", y, width, Conv2dAttrs.Square(3, stride3x3, 1, spec.Cardinality), bias: false)));
            y = b.BatchNorm($"{name}.bn3", b.Conv2d($"{name}.conv3", y, planes * 4, Conv2dAttrs.Square(1), bias: false), gammaScale: ResidualGamma);
            return Residual(name, x, y, planes, stride);
        }

        /// <summary>Optional SE gate on the branch, projection shortcut where the shape changes, add, ReLU.</summary>
        private int Residual(string name, int x, int branch, int planes, int stride)
        {
            if (spec.SqueezeExcite)
            {
                branch = SqueezeExcitation.Append(b, $"{name}.se", branch);
            }

            int shortcut = x;
            if (stride != 1 || _inplanes != planes * Expansion)
            {
                shortcut = b.Conv2d($"{name}.downsample.0", x, planes * Expansion, Conv2dAttrs.Square(1, stride), bias: false);
                shortcut = b.BatchNorm($"{name}.downsample.1", shortcut);
            }

            _inplanes = planes * Expansion;
            return b.Relu($"{name}.relu", b.Sum($"{name}.add", branch, shortcut));
        }
    }
}
