using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CnnGpu.Kernels.Simd;

/// <summary>256-bit vectors (AVX2 + FMA): 8 floats per vector.</summary>
public readonly unsafe struct Simd256 : ISimd<Vector256<float>>
{
    /// <inheritdoc/>
    public static int Width => 8;

    /// <inheritdoc/>
    public static Vector256<float> Zero => Vector256<float>.Zero;

    /// <summary>Whether the JIT emits 256-bit vector instructions on this machine.</summary>
    public static bool IsHardwareAccelerated => Vector256.IsHardwareAccelerated;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(float* p) => Vector256.Load(p);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* p, Vector256<float> v) => v.Store(p);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float x) => Vector256.Create(x);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);

    /// <inheritdoc/>
    public static Vector256<float> Min(Vector256<float> a, Vector256<float> b) => Vector256.Min(a, b);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Relu(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, Vector256<float>.Zero);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        // eˣ = 2ⁿ·eʳ with n = round(x/ln 2) and r = x − n·ln 2 (Cody–Waite: ln 2 in two parts, so r keeps full
        // precision), eʳ by its Taylor series to r⁷ (|r| ≤ ½ln 2: error below 1e-8), 2ⁿ from exponent bits.
        // The BCL's Vector256.Exp is exact but ~10× slower (measured 56 ns per 512-bit vector), which made LRN and
        // sigmoid cost more than the convolutions around them.
        var c = Vector256.Min(Vector256.Max(x, Vector256.Create(-87.3f)), Vector256.Create(88.7f));
        var n = Vector256.Floor(Fma(c, Vector256.Create(1.44269504f), Vector256.Create(0.5f)));
        var r = Fma(n, Vector256.Create(-0.693145751953125f), c);
        r = Fma(n, Vector256.Create(-1.428606765330187e-6f), r);
        var p = Vector256.Create(1f / 5040);
        p = Fma(p, r, Vector256.Create(1f / 720));
        p = Fma(p, r, Vector256.Create(1f / 120));
        p = Fma(p, r, Vector256.Create(1f / 24));
        p = Fma(p, r, Vector256.Create(1f / 6));
        p = Fma(p, r, Vector256.Create(0.5f));
        p = Fma(p, r, Vector256<float>.One);
        p = Fma(p, r, Vector256<float>.One);
        // 2ⁿ as two factors: n reaches −126 and 128 within the clamps, past a single float's exponent range.
        var k = Vector256.ConvertToInt32(n);
        var half = Vector256.ShiftRightArithmetic(k, 1);
        var low = Vector256.ShiftLeft(half + Vector256.Create(127), 23).AsSingle();
        var high = Vector256.ShiftLeft(k - half + Vector256.Create(127), 23).AsSingle();
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), p * low * high, x);   // a NaN stays NaN
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Log(Vector256<float> x)
    {
        // x = m·2^e with m in [√½, √2): ln x = e·ln 2 + 2·atanh((m−1)/(m+1)), the series to r⁹ (error below 1e-9).
        var bits = x.AsInt32();
        var e = Vector256.ShiftRightArithmetic(bits, 23) - Vector256.Create(127);
        var m = ((bits & Vector256.Create(0x007FFFFF)) | Vector256.Create(0x3F800000)).AsSingle();
        var big = Vector256.GreaterThan(m, Vector256.Create(1.41421356f));
        m = Vector256.ConditionalSelect(big, m * Vector256.Create(0.5f), m);
        e += big.AsInt32() & Vector256.Create(1);
        var r = (m - Vector256<float>.One) / (m + Vector256<float>.One);
        var r2 = r * r;
        var s = Fma(r2, Vector256.Create(1f / 9), Vector256.Create(1f / 7));
        s = Fma(s, r2, Vector256.Create(1f / 5));
        s = Fma(s, r2, Vector256.Create(1f / 3));
        s = Fma(s, r2, Vector256<float>.One);
        return Fma(Vector256.ConvertToSingle(e), Vector256.Create(0.69314718f), Vector256.Create(2f) * r * s);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SelectNonNegative(Vector256<float> x, Vector256<float> whenNonNegative, Vector256<float> whenNegative) =>
        Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, Vector256<float>.Zero), whenNonNegative, whenNegative);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> v) => Vector256.Sum(v);
}
