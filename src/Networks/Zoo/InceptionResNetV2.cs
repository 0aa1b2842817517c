using System.Globalization;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Networks.Zoo;

/// <summary>
/// Inception-ResNet-v2 (Szegedy et al. 2016, Figure 15 with the stem of Figure 3, Inception-ResNet-A/B/C of
/// Figures 16, 17 and 19, Reduction-A of Figure 7 with k, l, m, n = 256, 256, 384, 384, Reduction-B of
/// Figure 18) at its 299×299 input: 5 × A at 35×35, 10 × B at 17×17, 5 × C at 8×8. Convolutions marked "V"
/// are unpadded, the others keep the size; 1×7/7×1 and 1×3/3×1 pairs factorise the 7×7 and 3×3 windows.
/// Every conv is conv, BN, ReLU except each residual module's 1×1 up-projection, which is linear (with a
/// bias, no BN: the paper puts BN only on top of the traditional layers); its output is scaled
/// (<see cref="OpKind.Scale"/>) before the addition, then ReLU.
/// </summary>
/// <remarks>
/// <para>Where the paper contradicts itself the graph follows what makes the additions well-formed: Figures
/// 17 and 19 print up-projections of 1154 and 2048 channels, but the inputs they are added to have 1152
/// (Reduction-A: 384 + 384 + 384) and 2144 (Reduction-B: 1152 + 384 + 288 + 320). The paper gives the
/// residual scale only as "between 0.1 and 0.3"; the factors are those of the authors' released
/// TensorFlow model: 0.17 (A), 0.10 (B), 0.20 (C).</para>
/// <para>SE-Inception-ResNet-v2 follows the SE paper's residual recipe (its Figure 3): an SE block (r = 16)
/// on every residual module's branch after the up-projection, before scaling and addition. The stem and the
/// reduction modules, which have no residual branch, carry none. torchvision has no Inception-ResNet;
/// names are <c>block_a1.br2_1.conv</c>, <c>block_a1.up</c>, ….</para>
/// </remarks>
public static class InceptionResNetV2
{
    /// <summary>The paper's input side.</summary>
    public const int DefaultInput = 299;

    private const float ScaleA = 0.17f;
    private const float ScaleB = 0.10f;
    private const float ScaleC = 0.20f;

    /// <summary>Inception-ResNet-v2.</summary>
    /// <param name="options">Input size, classes, weights.</param>
    public static ComputeGraph Build(NetworkOptions options) => Build("inception-resnet-v2", squeezeExcite: false, options);

    /// <summary>SE-Inception-ResNet-v2: an SE block on every residual branch.</summary>
    /// <param name="options">Input size, classes, weights.</param>
    public static ComputeGraph BuildSe(NetworkOptions options) => Build("se-inception-resnet-v2", squeezeExcite: true, options);

    private static ComputeGraph Build(string name, bool squeezeExcite, NetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var b = options.Builder(name);
        int size = options.InputOr(DefaultInput);
        int x = b.Input("data", 3, size, size);
        using (b.Block("stem"))
        {
            x = Stem(b, x);
        }

        x = Repeat(b, "a", 5, x, (n, y) => BlockA(b, n, y, squeezeExcite));
        using (b.Block("red_a"))
        {
            x = ReductionA(b, "red_a", x);
        }

        x = Repeat(b, "b", 10, x, (n, y) => BlockB(b, n, y, squeezeExcite));
        using (b.Block("red_b"))
        {
            x = ReductionB(b, "red_b", x);
        }

        x = Repeat(b, "c", 5, x, (n, y) => BlockC(b, n, y, squeezeExcite));
        using (b.Block("pool"))
        {
            x = b.Dropout("dropout", b.Flatten("flatten", b.GlobalAvgPool("avgpool", x)), 0.2f);
        }

        using (b.Block("fc"))
        {
            b.Output(b.Softmax("prob", b.FullyConnected("fc", x, options.Classes)));
        }

        return b.Build();
    }

    private static int Repeat(GraphBuilder b, string prefix, int count, int x, Func<string, int, int> module)
    {
        for (int i = 1; i <= count; i++)
        {
            string n = prefix + i.ToString(CultureInfo.InvariantCulture);
            using (b.Block(n))
            {
                x = module(n, x);
            }
        }

        return x;
    }

    /// <summary>Figure 3: 299×299×3 → 35×35×384.</summary>
    private static int Stem(GraphBuilder b, int x)
    {
        x = Conv(b, "stem.conv1", x, 32, 3, 3, stride: 2, valid: true);
        x = Conv(b, "stem.conv2", x, 32, 3, 3, valid: true);
        x = Conv(b, "stem.conv3", x, 64, 3, 3);
        x = b.Concat("stem.mix1",
            b.MaxPool("stem.mix1.pool", x, PoolWindow.Square(3, 2)),
            Conv(b, "stem.mix1.conv", x, 96, 3, 3, stride: 2, valid: true));
        int left = Conv(b, "stem.mix2.br0_1", Conv(b, "stem.mix2.br0_0", x, 64, 1, 1), 96, 3, 3, valid: true);
        int right = Conv(b, "stem.mix2.br1_0", x, 64, 1, 1);
        right = Conv(b, "stem.mix2.br1_1", right, 64, 7, 1);
        right = Conv(b, "stem.mix2.br1_2", right, 64, 1, 7);
        right = Conv(b, "stem.mix2.br1_3", right, 96, 3, 3, valid: true);
        x = b.Concat("stem.mix2", left, right);
        return b.Concat("stem.mix3",
            Conv(b, "stem.mix3.conv", x, 192, 3, 3, stride: 2, valid: true),
            b.MaxPool("stem.mix3.pool", x, PoolWindow.Square(3, 2)));
    }

    /// <summary>Figure 16 (35×35): 1×1 32 | 1×1 32 → 3×3 32 | 1×1 32 → 3×3 48 → 3×3 64; up-projection, scale 0.17.</summary>
    private static int BlockA(GraphBuilder b, string n, int x, bool se)
    {
        int b0 = Conv(b, $"{n}.br0", x, 32, 1, 1);
        int b1 = Conv(b, $"{n}.br1_1", Conv(b, $"{n}.br1_0", x, 32, 1, 1), 32, 3, 3);
        int b2 = Conv(b, $"{n}.br2_0", x, 32, 1, 1);
        b2 = Conv(b, $"{n}.br2_2", Conv(b, $"{n}.br2_1", b2, 48, 3, 3), 64, 3, 3);
        return Residual(b, n, x, b.Concat($"{n}.concat", b0, b1, b2), ScaleA, se);
    }

    /// <summary>Figure 17 (17×17): 1×1 192 | 1×1 128 → 1×7 160 → 7×1 192; up-projection, scale 0.10.</summary>
    private static int BlockB(GraphBuilder b, string n, int x, bool se)
    {
        int b0 = Conv(b, $"{n}.br0", x, 192, 1, 1);
        int b1 = Conv(b, $"{n}.br1_0", x, 128, 1, 1);
        b1 = Conv(b, $"{n}.br1_2", Conv(b, $"{n}.br1_1", b1, 160, 1, 7), 192, 7, 1);
        return Residual(b, n, x, b.Concat($"{n}.concat", b0, b1), ScaleB, se);
    }

    /// <summary>Figure 19 (8×8): 1×1 192 | 1×1 192 → 1×3 224 → 3×1 256; up-projection, scale 0.20.</summary>
    private static int BlockC(GraphBuilder b, string n, int x, bool se)
    {
        int b0 = Conv(b, $"{n}.br0", x, 192, 1, 1);
        int b1 = Conv(b, $"{n}.br1_0", x, 192, 1, 1);
        b1 = Conv(b, $"{n}.br1_2", Conv(b, $"{n}.br1_1", b1, 224, 1, 3), 256, 3, 1);
        return Residual(b, n, x, b.Concat($"{n}.concat", b0, b1), ScaleC, se);
    }

    /// <summary>Figure 7 with k, l, m, n = 256, 256, 384, 384: 35×35×384 → 17×17×1152.</summary>
    private static int ReductionA(GraphBuilder b, string n, int x) => b.Concat($"{n}.concat",
        b.MaxPool($"{n}.pool", x, PoolWindow.Square(3, 2)),
        Conv(b, $"{n}.br0", x, 384, 3, 3, stride: 2, valid: true),
        Conv(b, $"{n}.br1_2", Conv(b, $"{n}.br1_1", Conv(b, $"{n}.br1_0", x, 256, 1, 1), 256, 3, 3), 384, 3, 3, stride: 2, valid: true));

    /// <summary>Figure 18: 17×17×1152 → 8×8×2144.</summary>
    private static int ReductionB(GraphBuilder b, string n, int x) => b.Concat($"{n}.concat",
        b.MaxPool($"{n}.pool", x, PoolWindow.Square(3, 2)),
        Conv(b, $"{n}.br0_1", Conv(b, $"{n}.br0_0", x, 256, 1, 1), 384, 3, 3, stride: 2, valid: true),
        Conv(b, $"{n}.br1_1", Conv(b, $"{n}.br1_0", x, 256, 1, 1), 288, 3, 3, stride: 2, valid: true),
        Conv(b, $"{n}.br2_2", Conv(b, $"{n}.br2_1", Conv(b, $"{n}.br2_0", x, 256, 1, 1), 288, 3, 3), 320, 3, 3, stride: 2, valid: true));

    /// <summary>Linear 1×1 up-projection to the input's width, optional SE, scale, add, ReLU.</summary>
    private static int Residual(GraphBuilder b, string n, int x, int branches, float scale, bool se)
    {
        int up = b.Conv2d($"{n}.up", branches, b.ChannelsOf(x), Conv2dAttrs.Square(1));
        if (se)
        {
            up = SqueezeExcitation.Append(b, $"{n}.se", up);
        }

        return b.Relu($"{n}.relu", b.Sum($"{n}.add", x, b.Scale($"{n}.scale", up, scale)));
    }

    /// <summary>A <paramref name="kh"/>×<paramref name="kw"/> conv (no bias), BN, ReLU; "same" padding unless <paramref name="valid"/>.</summary>
    private static int Conv(GraphBuilder b, string name, int x, int filters, int kh, int kw, int stride = 1, bool valid = false)
    {
        var pads = valid ? Padding2d.None : new Padding2d(kh / 2, kw / 2, kh / 2, kw / 2);
        var attrs = new Conv2dAttrs(kh, kw, stride, stride, pads);
        return b.Relu($"{name}.relu", b.BatchNorm($"{name}.bn", b.Conv2d(name, x, filters, attrs, bias: false)));
    }
}
