using System.Runtime.Intrinsics;
using CnnGpu.Kernels.Simd;

namespace CnnGpu.Tests.Kernels;

/// <summary>The SIMD exp and log (LRN's power, sigmoid, softmax) against double-precision Math on every width.</summary>
public sealed class SimdMathTests
{
    public static TheoryData<int> Widths => [512, 256, 128];

    [SkippableTheory]
    [MemberData(nameof(Widths))]
    public void Exp_is_within_3e7_relative_from_minus_87_to_88(int width)
    {
        Skip.IfNot(SimdCapabilities.IsAccelerated((SimdWidth)width), $"{width}-bit vectors are not accelerated here");
        var x = Enumerable.Range(0, 20001).Select(i => -87f + (175.5f * i / 20000)).Concat([0f, 1f, -1f, 1e-7f, 0.5f]).ToArray();
        float[] y = Apply(width, x, exp: true);
        for (int i = 0; i < x.Length; i++)
        {
            double e = Math.Exp(x[i]);
            Assert.True(Math.Abs(y[i] - e) <= 3e-7 * e, $"exp({x[i]:R}) = {y[i]:R}, expected {e:R}");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Widths))]
    public void Exp_keeps_nan_and_saturates_at_the_clamps(int width)
    {
        Skip.IfNot(SimdCapabilities.IsAccelerated((SimdWidth)width), $"{width}-bit vectors are not accelerated here");
        float[] y = Apply(width, [float.NaN, -1000f, 1000f], exp: true);
        Assert.True(float.IsNaN(y[0]));
        Assert.InRange(y[1], 0f, 1e-37f);
        Assert.True(y[2] > 1e38f && float.IsFinite(y[2]));
    }

    [SkippableTheory]
    [MemberData(nameof(Widths))]
    public void Log_is_within_1e7_absolute_or_relative_over_positive_normals(int width)
    {
        Skip.IfNot(SimdCapabilities.IsAccelerated((SimdWidth)width), $"{width}-bit vectors are not accelerated here");
        var x = Enumerable.Range(0, 20001).Select(i => MathF.Pow(10f, -30f + (60f * i / 20000))).Concat([1f, 2f, 0.5f, 1.41421356f, 1.41421370f, 3f]).ToArray();
        float[] y = Apply(width, x, exp: false);
        for (int i = 0; i < x.Length; i++)
        {
            double e = Math.Log(x[i]);
            Assert.True(Math.Abs(y[i] - e) <= 1e-7 + (1e-7 * Math.Abs(e)), $"log({x[i]:R}) = {y[i]:R}, expected {e:R}");
        }
    }

    private static float[] Apply(int width, float[] x, bool exp) => width switch
    {
        512 => Apply<Simd512, Vector512<float>>(x, exp),
        256 => Apply<Simd256, Vector256<float>>(x, exp),
        _ => Apply<Simd128, Vector128<float>>(x, exp),
    };

    private static unsafe float[] Apply<TS, TV>(float[] x, bool exp)
        where TS : struct, ISimd<TV>
        where TV : unmanaged
    {
        int w = TS.Width;
        var padded = new float[(x.Length + w - 1) / w * w];
        x.CopyTo(padded, 0);
        var y = new float[padded.Length];
        fixed (float* px = padded, py = y)
        {
            for (int i = 0; i < padded.Length; i += w)
            {
                TV v = TS.Load(px + i);
                TS.Store(py + i, exp ? TS.Exp(v) : TS.Log(v));
            }
        }

        return y[..x.Length];
    }
}
