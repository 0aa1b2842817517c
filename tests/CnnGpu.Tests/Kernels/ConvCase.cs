using System.Globalization;
using System.Text.RegularExpressions;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Tests.Kernels;

/// <summary>
/// One convolution test case, written as a readable string so that every case is its own test
/// in the runner: <c>n3 c6 11x13 f10 k3x3 s2x2 p1,0,2,1 d1x1 g2 bias</c>.
/// </summary>
public sealed partial record ConvCase(
    int N, int C, int H, int W, int Filters, int KernelH, int KernelW, int StrideH, int StrideW,
    Padding2d Pads, int DilationH, int DilationW, int Groups, bool Bias)
{
    public Conv2dAttrs Attrs => new(KernelH, KernelW, StrideH, StrideW, Pads, DilationH, DilationW, Groups);

    public static ConvCase Parse(string spec)
    {
        var m = SpecPattern().Match(spec);
        if (!m.Success)
        {
            throw new FormatException($"Bad conv case '{spec}'.");
        }

        int G(string name) => int.Parse(m.Groups[name].Value, CultureInfo.InvariantCulture);
        return new ConvCase(
            G("n"), G("c"), G("h"), G("w"), G("f"), G("kh"), G("kw"), G("sh"), G("sw"),
            new Padding2d(G("pt"), G("pl"), G("pb"), G("pr")), G("dh"), G("dw"), G("g"), m.Groups["bias"].Value == "bias");
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"n{N} c{C} {H}x{W} f{Filters} k{KernelH}x{KernelW} s{StrideH}x{StrideW} p{Pads.Top},{Pads.Left},{Pads.Bottom},{Pads.Right} d{DilationH}x{DilationW} g{Groups} {(Bias ? "bias" : "nobias")}");

    /// <summary>
    /// The acceptance grid: every kernel size 1, 3, 5, 7, 11 with every stride 1, 2, 4; pads 0–3
    /// (symmetric and asymmetric); groups 1, 2 and depthwise; dilation 1 and 2; batch 1 and 3;
    /// odd spatial sizes; channel counts that are not multiples of 4.
    /// </summary>
    public static IEnumerable<ConvCase> Grid()
    {
        int[] kernels = [1, 3, 5, 7, 11];
        int[] strides = [1, 2, 4];
        Padding2d[] pads = [Padding2d.None, Padding2d.Uniform(1), new(0, 1, 2, 3), Padding2d.Uniform(3), new(2, 3, 1, 0), Padding2d.Uniform(2)];
        int index = 0;
        foreach (int k in kernels)
        {
            foreach (int s in strides)
            {
                int groupChoice = index % 3;            // 1, 2, depthwise
                int dilation = index % 4 == 3 ? 2 : 1;
                int batch = index % 2 == 0 ? 1 : 3;
                var pad = k == 1 && index % 2 == 0 ? Padding2d.None : pads[index % pads.Length];
                int c = groupChoice == 2 ? 5 : groupChoice == 1 ? 6 : 3;
                int groups = groupChoice == 2 ? c : groupChoice == 1 ? 2 : 1;
                int filters = groupChoice == 2 ? 2 * c : groupChoice == 1 ? 10 : 7;
                int span = (dilation * (k - 1)) + 1;
                int h = span + 2 + (2 * s) + (span % 2 == 0 ? 1 : 0);
                int w = h + 2;
                yield return new ConvCase(batch, c, h, w, filters, k, k, s, s, pad, dilation, dilation, groups, index % 5 != 4);
                index++;
            }
        }

        // Pointwise convolutions take the GEMM path: batch > 1, groups, odd sizes, no bias.
        yield return new ConvCase(3, 9, 7, 5, 11, 1, 1, 1, 1, Padding2d.None, 1, 1, 1, true);
        yield return new ConvCase(1, 10, 9, 9, 6, 1, 1, 1, 1, Padding2d.None, 1, 1, 2, true);
        yield return new ConvCase(3, 6, 13, 11, 6, 1, 1, 1, 1, Padding2d.None, 1, 1, 6, false);
        yield return new ConvCase(2, 37, 5, 3, 45, 1, 1, 1, 1, Padding2d.None, 1, 1, 1, true);
        yield return new ConvCase(2, 37, 2, 2, 45, 1, 1, 1, 1, Padding2d.None, 1, 1, 1, true);   // 4 columns: the thin GEMM

        // 1x1 but strided or padded: must NOT take the GEMM path and must still be right.
        yield return new ConvCase(3, 7, 9, 9, 5, 1, 1, 2, 2, Padding2d.None, 1, 1, 1, true);
        yield return new ConvCase(1, 7, 9, 9, 5, 1, 1, 1, 1, new Padding2d(1, 0, 0, 1), 1, 1, 1, true);

        // Rectangular kernels and strides, asymmetric pads.
        yield return new ConvCase(3, 5, 13, 11, 7, 3, 5, 1, 2, new Padding2d(1, 2, 0, 3), 1, 1, 1, true);
        yield return new ConvCase(1, 6, 15, 9, 9, 5, 3, 2, 1, new Padding2d(0, 1, 2, 1), 2, 1, 3, true);

        // Depthwise with channel multiplier 1, stride 2 (MobileNet-like) and dilation 2.
        yield return new ConvCase(3, 7, 11, 13, 7, 3, 3, 2, 2, Padding2d.Uniform(1), 1, 1, 7, true);
        yield return new ConvCase(1, 9, 13, 13, 9, 3, 3, 1, 1, Padding2d.Uniform(2), 2, 2, 9, false);

        // AlexNet conv1 geometry (11x11 stride 4 pad 2) on a small image; AlexNet-v1 style grouped 5x5.
        yield return new ConvCase(1, 3, 31, 31, 5, 11, 11, 4, 4, Padding2d.Uniform(2), 1, 1, 1, true);
        yield return new ConvCase(3, 10, 9, 9, 6, 5, 5, 1, 1, Padding2d.Uniform(2), 1, 1, 2, true);

        // ResNet stem geometry (7x7 stride 2 pad 3) and CNTK's asymmetric stem pads.
        yield return new ConvCase(1, 3, 19, 19, 5, 7, 7, 2, 2, Padding2d.Uniform(3), 1, 1, 1, false);
        yield return new ConvCase(3, 3, 19, 17, 5, 7, 7, 2, 2, new Padding2d(3, 3, 2, 2), 1, 1, 1, false);
    }

    [GeneratedRegex(@"^n(?<n>\d+) c(?<c>\d+) (?<h>\d+)x(?<w>\d+) f(?<f>\d+) k(?<kh>\d+)x(?<kw>\d+) s(?<sh>\d+)x(?<sw>\d+) p(?<pt>\d+),(?<pl>\d+),(?<pb>\d+),(?<pr>\d+) d(?<dh>\d+)x(?<dw>\d+) g(?<g>\d+) (?<bias>bias|nobias)$")]
    private static partial Regex SpecPattern();
}
