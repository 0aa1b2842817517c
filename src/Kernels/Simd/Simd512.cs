using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CnnGpu.Kernels.Simd;

/// <summary>512-bit vectors (AVX-512): 16 floats per vector.</summary>
public readonly unsafe struct Simd512 : ISimd<Vector512<float>>
{
    /// <inheritdoc/>
    public static int Width => 16;

    /// <inheritdoc/>
    public static Vector512<float> Zero => Vector512<float>.Zero;

    /// <summary>Whether the JIT emits 512-bit vector instructions on this machine.</summary>
    public static bool IsHardwareAccelerated => Vector512.IsHardwareAccelerated;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(float* p) => Vector512.Load(p);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* p, Vector512<float> v) => v.Store(p);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float x) => Vector512.Create(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Divide(Vector512<float> a, Vector512<float> b) => a / b;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.Max(a, b);

    /// <inheritdoc/>
    public static Vector512<float> Min(Vector512<float> a, Vector512<float> b) => Vector512.Min(a, b);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Relu(Vector512<float> x) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, Vector512<float>.Zero);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        // eˣ = 2ⁿ·eʳ with n = round(x/ln 2) and r = x − n·ln 2 (Cody–Waite: ln 2 in two parts, so r keeps full
        // precision), eʳ by its Taylor series to r⁷ (|r| ≤ ½ln 2: error below 1e-8), 2ⁿ from exponent bits.
        // The BCL's Vector512.Exp is exact but ~10× slower (measured 56 ns per 512-bit vector), which made LRN and
        // sigmoid cost more than the convolutions around them.
        var c = Vector512.Min(Vector512.Max(x, Vector512.Create(-87.3f)), Vector512.Create(88.7f));
        var n = Vector512.Floor(Fma(c, Vector512.Create(1.44269504f), Vector512.Create(0.5f)));
        var r = Fma(n, Vector512.Create(-0.693145751953125f), c);
        r = Fma(n, Vector512.Create(-1.428606765330187e-6f), r);
        var p = Vector512.Create(1f / 5040);
        p = Fma(p, r, Vector512.Create(1f / 720));
        p = Fma(p, r, Vector512.Create(1f / 120));
        p = Fma(p, r, Vector512.Create(1f / 24));
        p = Fma(p, r, Vector512.Create(1f / 6));
        p = Fma(p, r, Vector512.Create(0.5f));
        p = Fma(p, r, Vector512<float>.One);
        p = Fma(p, r, Vector512<float>.One);
        // 2ⁿ as two factors: n reaches −126 and 128 within the clamps, past a single float's exponent range.
        var k = Vector512.ConvertToInt32(n);
        var half = Vector512.ShiftRightArithmetic(k, 1);
        var low = Vector512.ShiftLeft(half + Vector512.Create(127), 23).AsSingle();
        var high = Vector512.ShiftLeft(k - half + Vector512.Create(127), 23).AsSingle();
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), p * low * high, x);   // a NaN stays NaN
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Log(Vector512<float> x)
    {
        // x = m·2^e with m in [√½, √2): ln x = e·ln 2 + 2·atanh((m−1)/(m+1)), the series to r⁹ (error below 1e-9).
        var bits = x.AsInt32();
        var e = Vector512.ShiftRightArithmetic(bits, 23) - Vector512.Create(127);
        var m = ((bits & Vector512.Create(0x007FFFFF)) | Vector512.Create(0x3F800000)).AsSingle();
        var big = Vector512.GreaterThan(m, Vector512.Create(1.41421356f));
        m = Vector512.ConditionalSelect(big, m * Vector512.Create(0.5f), m);
        e += big.AsInt32() & Vector512.Create(1);
        var r = (m - Vector512<float>.One) / (m + Vector512<float>.One);
        var r2 = r * r;
        var s = Fma(r2, Vector512.Create(1f / 9), Vector512.Create(1f / 7));
        s = Fma(s, r2, Vector512.Create(1f / 5));
        s = Fma(s, r2, Vector512.Create(1f / 3));
        s = Fma(s, r2, Vector512<float>.One);
        return Fma(Vector512.ConvertToSingle(e), Vector512.Create(0.69314718f), Vector512.Create(2f) * r * s);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SelectNonNegative(Vector512<float> x, Vector512<float> whenNonNegative, Vector512<float> whenNegative) =>
        Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(x, Vector512<float>.Zero), whenNonNegative, whenNegative);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> v) => Vector512.Sum(v);
}
