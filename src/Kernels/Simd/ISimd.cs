using System.Runtime.Intrinsics;

namespace CnnGpu.Kernels.Simd;

/// <summary>
/// One SIMD width, as static members so that a kernel written once as a generic method over
/// <c>TS : struct, ISimd&lt;TV&gt;</c> is compiled by the JIT into straight vector code for each width
/// (<see cref="Simd512"/>, <see cref="Simd256"/>, <see cref="Simd128"/>) — no virtual calls, no scalar path.
/// </summary>
/// <typeparam name="TV">The vector type (<see cref="Vector512{T}"/> of float, …).</typeparam>
public unsafe interface ISimd<TV>
    where TV : unmanaged
{
    /// <summary>Floats per vector: 16, 8 or 4. Also the channel block of the backend's blocked layout.</summary>
    static abstract int Width { get; }

    /// <summary>All zeros.</summary>
    static abstract TV Zero { get; }

    /// <summary>Loads <see cref="Width"/> floats (no alignment needed).</summary>
    /// <param name="p">Source.</param>
    static abstract TV Load(float* p);

    /// <summary>Stores <see cref="Width"/> floats (no alignment needed).</summary>
    /// <param name="p">Destination.</param>
    /// <param name="v">Values.</param>
    static abstract void Store(float* p, TV v);

    /// <summary>Every lane set to <paramref name="x"/>.</summary>
    /// <param name="x">The value.</param>
    static abstract TV Broadcast(float x);

    /// <summary><c>a·b + c</c> with one rounding (a hardware FMA where the CPU has one).</summary>
    /// <param name="a">Factor.</param>
    /// <param name="b">Factor.</param>
    /// <param name="c">Addend.</param>
    static abstract TV Fma(TV a, TV b, TV c);

    /// <summary>Lane-wise sum.</summary>
    /// <param name="a">Addend.</param>
    /// <param name="b">Addend.</param>
    static abstract TV Add(TV a, TV b);

    /// <summary>Lane-wise difference.</summary>
    /// <param name="a">Minuend.</param>
    /// <param name="b">Subtrahend.</param>
    static abstract TV Subtract(TV a, TV b);

    /// <summary>Lane-wise product.</summary>
    /// <param name="a">Factor.</param>
    /// <param name="b">Factor.</param>
    static abstract TV Multiply(TV a, TV b);

    /// <summary>Lane-wise quotient.</summary>
    /// <param name="a">Dividend.</param>
    /// <param name="b">Divisor.</param>
    static abstract TV Divide(TV a, TV b);

    /// <summary>Lane-wise maximum with IEEE semantics (a NaN wins), as <see cref="MathF.Max(float, float)"/>.</summary>
    /// <param name="a">Operand.</param>
    /// <param name="b">Operand.</param>
    static abstract TV Max(TV a, TV b);

    /// <summary>Lane-wise minimum (the cap of a fused ReLU6).</summary>
    /// <param name="a">Operand.</param>
    /// <param name="b">Operand.</param>
    static abstract TV Min(TV a, TV b);

    /// <summary><c>x &gt; 0 ? x : 0</c> lane-wise (a NaN becomes 0, like the reference ReLU).</summary>
    /// <param name="x">Operand.</param>
    static abstract TV Relu(TV x);

    /// <summary>Lane-wise eˣ to about 2e-7 relative (inputs clamped to [−87.3, 88.7]; a NaN stays NaN).</summary>
    /// <param name="x">Exponent.</param>
    static abstract TV Exp(TV x);

    /// <summary>Lane-wise natural logarithm of positive normal floats (LRN's denominators), to about 1e-7 relative.</summary>
    /// <param name="x">Operand.</param>
    static abstract TV Log(TV x);

    /// <summary>Lane-wise <c>x ≥ 0 ? whenNonNegative : whenNegative</c> (a NaN x picks the second).</summary>
    /// <param name="x">The lanes tested.</param>
    /// <param name="whenNonNegative">Chosen where x ≥ 0.</param>
    /// <param name="whenNegative">Chosen elsewhere.</param>
    static abstract TV SelectNonNegative(TV x, TV whenNonNegative, TV whenNegative);

    /// <summary>Sum of the lanes.</summary>
    /// <param name="v">Operand.</param>
    static abstract float Sum(TV v);
}

/// <summary>Shared helpers over any <see cref="ISimd{TV}"/> width.</summary>
public static unsafe class SimdOps
{
    /// <summary>Loads the first <paramref name="count"/> floats of <paramref name="p"/> into a vector, zero in the other lanes.</summary>
    /// <typeparam name="TS">The width.</typeparam>
    /// <typeparam name="TV">Its vector type.</typeparam>
    /// <param name="p">Source.</param>
    /// <param name="count">Lanes to load (0 to Width).</param>
    public static TV LoadPartial<TS, TV>(float* p, int count)
        where TS : struct, ISimd<TV>
        where TV : unmanaged
    {
        if (count >= TS.Width)
        {
            return TS.Load(p);
        }

        float* lanes = stackalloc float[TS.Width];
        for (int i = 0; i < TS.Width; i++)
        {
            lanes[i] = i < count ? p[i] : 0f;
        }

        return TS.Load(lanes);
    }

    /// <summary>Stores the first <paramref name="count"/> lanes of <paramref name="v"/>.</summary>
    /// <typeparam name="TS">The width.</typeparam>
    /// <typeparam name="TV">Its vector type.</typeparam>
    /// <param name="p">Destination.</param>
    /// <param name="v">Values.</param>
    /// <param name="count">Lanes to store (0 to Width).</param>
    public static void StorePartial<TS, TV>(float* p, TV v, int count)
        where TS : struct, ISimd<TV>
        where TV : unmanaged
    {
        if (count >= TS.Width)
        {
            TS.Store(p, v);
            return;
        }

        float* lanes = stackalloc float[TS.Width];
        TS.Store(lanes, v);
        for (int i = 0; i < count; i++)
        {
            p[i] = lanes[i];
        }
    }

    /// <summary>The logistic function 1/(1+e⁻ˣ), finite for every finite input.</summary>
    /// <typeparam name="TS">The width.</typeparam>
    /// <typeparam name="TV">Its vector type.</typeparam>
    /// <param name="x">Operand.</param>
    public static TV Sigmoid<TS, TV>(TV x)
        where TS : struct, ISimd<TV>
        where TV : unmanaged
    {
        // e^-|x| never overflows; s = 1/(1+e^-|x|) for x ≥ 0 and 1 − s = e^-|x|·s for x < 0.
        var one = TS.Broadcast(1f);
        var e = TS.Exp(TS.Subtract(TS.Zero, TS.Max(x, TS.Subtract(TS.Zero, x))));
        var positive = TS.Divide(one, TS.Add(one, e));
        var negative = TS.Multiply(e, positive);
        return TS.SelectNonNegative(x, positive, negative);
    }
}
