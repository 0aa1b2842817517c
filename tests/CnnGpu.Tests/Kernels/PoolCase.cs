using System.Globalization;
using System.Text.RegularExpressions;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Tests.Kernels;

/// <summary>One pooling test case as a readable string: <c>n3 c5 13x11 k3x3 s2x2 p1,0,1,0 ceil incpad</c>.</summary>
public sealed partial record PoolCase(int N, int C, int H, int W, int KernelH, int KernelW, int StrideH, int StrideW, Padding2d Pads, bool CeilMode, bool CountIncludePad)
{
    public PoolWindow Window => new(KernelH, KernelW, StrideH, StrideW, Pads, CeilMode);

    public static PoolCase Parse(string spec)
    {
        var m = SpecPattern().Match(spec);
        if (!m.Success)
        {
            throw new FormatException($"Bad pool case '{spec}'.");
        }

        int G(string name) => int.Parse(m.Groups[name].Value, CultureInfo.InvariantCulture);
        return new PoolCase(
            G("n"), G("c"), G("h"), G("w"), G("kh"), G("kw"), G("sh"), G("sw"),
            new Padding2d(G("pt"), G("pl"), G("pb"), G("pr")), m.Groups["ceil"].Value == "ceil", m.Groups["inc"].Value == "incpad");
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"n{N} c{C} {H}x{W} k{KernelH}x{KernelW} s{StrideH}x{StrideW} p{Pads.Top},{Pads.Left},{Pads.Bottom},{Pads.Right} {(CeilMode ? "ceil" : "floor")} {(CountIncludePad ? "incpad" : "excpad")}");

    /// <summary>Overlapping (AlexNet 3/2) and non-overlapping (VGG 2/2) windows, ceil mode, padding, batch 3, odd sizes.</summary>
    public static IEnumerable<PoolCase> Grid()
    {
        yield return new PoolCase(1, 3, 8, 8, 2, 2, 2, 2, Padding2d.None, false, false);
        yield return new PoolCase(3, 5, 13, 11, 3, 3, 2, 2, Padding2d.None, false, false);
        yield return new PoolCase(3, 5, 13, 11, 3, 3, 2, 2, Padding2d.None, true, false);
        yield return new PoolCase(1, 7, 14, 14, 3, 3, 2, 2, Padding2d.None, true, false);
        yield return new PoolCase(3, 3, 9, 9, 3, 3, 1, 1, Padding2d.Uniform(1), false, false);
        yield return new PoolCase(3, 3, 9, 9, 3, 3, 1, 1, Padding2d.Uniform(1), false, true);
        yield return new PoolCase(1, 6, 11, 13, 3, 3, 2, 2, new Padding2d(1, 1, 0, 0), false, true);
        yield return new PoolCase(3, 6, 11, 13, 3, 3, 2, 2, new Padding2d(0, 1, 2, 1), true, true);
        yield return new PoolCase(3, 6, 11, 13, 3, 3, 2, 2, new Padding2d(0, 1, 2, 1), true, false);
        yield return new PoolCase(1, 5, 17, 15, 5, 5, 3, 3, Padding2d.Uniform(2), true, true);
        yield return new PoolCase(1, 5, 17, 15, 5, 3, 3, 2, new Padding2d(2, 1, 1, 0), false, false);
        yield return new PoolCase(3, 4, 7, 7, 7, 7, 1, 1, Padding2d.None, false, false);
        yield return new PoolCase(1, 3, 15, 15, 2, 2, 2, 2, Padding2d.None, true, false);
        yield return new PoolCase(1, 3, 16, 9, 4, 2, 4, 2, new Padding2d(1, 0, 3, 1), true, true);
    }

    [GeneratedRegex(@"^n(?<n>\d+) c(?<c>\d+) (?<h>\d+)x(?<w>\d+) k(?<kh>\d+)x(?<kw>\d+) s(?<sh>\d+)x(?<sw>\d+) p(?<pt>\d+),(?<pl>\d+),(?<pb>\d+),(?<pr>\d+) (?<ceil>ceil|floor) (?<inc>incpad|excpad)$")]
    private static partial Regex SpecPattern();
}
