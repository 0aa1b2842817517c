using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CnnGpu.Kernels.Simd;

/// <summary>
/// 128-bit vectors (SSE/AVX on x64, NEON on ARM64): 4 floats per vector. Its multiply-add is fused where the
/// CPU has FMA and a multiply then an add where it has not (old x64), never a software emulation.
/// </summary>
public readonly unsafe struct Simd128 : ISimd<Vector128<float>>
{
    /// <inheritdoc/>
    public static int Width => 4;

    /// <inheritdoc/>
    public static Vector128<float> Zero => Vector128<float>.Zero;

    /// <summary>Whether the JIT emits 128-bit vector instructions on this machine.</summary>
    public static bool IsHardwareAccelerated => Vector128.IsHardwareAccelerated;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(float* p) => Vector128.Load(p);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* p, Vector128<float> v) => v.Store(p);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float x) => Vector128.Create(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Fma(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.MultiplyAddEstimate(a, b, c);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Subtract(Vector128<float> a, Vector128<float> b) => a - b;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Divide(Vector128<float> a, Vector128<float> b) => a / b;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Vector128.Max(a, b);

    /// <inheritdoc/>
    public static Vector128<float> Min(Vector128<float> a, Vector128<float> b) => Vector128.Min(a, b);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Relu(Vector128<float> x) => Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), x, Vector128<float>.Zero);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp(Vector128<float> x)
    {
        // eˣ = 2ⁿ·eʳ with n = round(x/ln 2) and r = x − n·ln 2 (Cody–Waite: ln 2 in two parts, so r keeps full
        // precision), eʳ by its Taylor series to r⁷ (|r| ≤ ½ln 2: error below 1e-8), 2ⁿ from exponent bits.
        // The BCL's Vector128.Exp is exact but ~10× slower (measured 56 ns per 512-bit vector), which made LRN and
        // sigmoid cost more than the convolutions around them.
        var c = Vector128.Min(Vector128.Max(x, Vector128.Create(-87.3f)), Vector128.Create(88.7f));
        var n = Vector128.Floor(Fma(c, Vector128.Create(1.44269504f), Vector128.Create(0.5f)));
        var r = Fma(n, Vector128.Create(-0.693145751953125f), c);
        r = Fma(n, Vector128.Create(-1.428606765330187e-6f), r);
        var p = Vector128.Create(1f / 5040);
        p = Fma(p, r, Vector128.Create(1f / 720));
        p = Fma(p, r, Vector128.Create(1f / 120));
        p = Fma(p, r, Vector128.Create(1f / 24));
        p = Fma(p, r, Vector128.Create(1f / 6));
        p = Fma(p, r, Vector128.Create(0.5f));
        p = Fma(p, r, Vector128<float>.One);
        p = Fma(p, r, Vector128<float>.One);
        // 2ⁿ as two factors: n reaches −126 and 128 within the clamps, past a single float's exponent range.
        var k = Vector128.ConvertToInt32(n);
        var half = Vector128.ShiftRightArithmetic(k, 1);
        var low = Vector128.ShiftLeft(half + Vector128.Create(127), 23).AsSingle();
        var high = Vector128.ShiftLeft(k - half + Vector128.Create(127), 23).AsSingle();
        return Vector128.ConditionalSelect(Vector128.Equals(x, x), p * low * high, x);   // a NaN stays NaN
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Log(Vector128<float> x)
    {
        // x = m·2^e with m in [√½, √2): ln x = e·ln 2 + 2·atanh((m−1)/(m+1)), the series to r⁹ (error below 1e-9).
        var bits = x.AsInt32();
        var e = Vector128.ShiftRightArithmetic(bits, 23) - Vector128.Create(127);
        var m = ((bits & Vector128.Create(0x007FFFFF)) | Vector128.Create(0x3F800000)).AsSingle();
        var big = Vector128.GreaterThan(m, Vector128.Create(1.41421356f));
        m = Vector128.ConditionalSelect(big, m * Vector128.Create(0.5f), m);
        e += big.AsInt32() & Vector128.Create(1);
        var r = (m - Vector128<float>.One) / (m + Vector128<float>.One);
        var r2 = r * r;
        var s = Fma(r2, Vector128.Create(1f / 9), Vector128.Create(1f / 7));
        s = Fma(s, r2, Vector128.Create(1f / 5));
        s = Fma(s, r2, Vector128.Create(1f / 3));
        s = Fma(s, r2, Vector128<float>.One);
        return Fma(Vector128.ConvertToSingle(e), Vector128.Create(0.69314718f), Vector128.Create(2f) * r * s);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SelectNonNegative(Vector128<float> x, Vector128<float> whenNonNegative, Vector128<float> whenNegative) =>
        Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(x, Vector128<float>.Zero), whenNonNegative, whenNegative);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector128<float> v) => Vector128.Sum(v);
}
