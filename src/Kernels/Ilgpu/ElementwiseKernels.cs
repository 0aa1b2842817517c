using ILGPU;

namespace CnnGpu.Kernels.Ilgpu;

/// <summary>Residual add, SE channel scale, concat slice copy and copy (semantics: <see cref="Reference.ReferenceElementwise"/>).</summary>
internal static class ElementwiseKernels
{
    /// <summary><c>y = a + b</c>, then ReLU when <paramref name="fuseRelu"/> is non-zero (an int: ILGPU kernels take no bools).</summary>
    public static void Add(ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int length, int fuseRelu, int bLength)
    {
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < length; i += step)
        {
            // b repeats when it is one batch item of a longer a (the modulo only on that path).
            float v = a[i] + b[bLength == length ? i : i % bLength];
            y[i] = fuseRelu != 0 && v < 0f ? 0f : v;
        }
    }

    /// <summary><c>y[n,c,h,w] = x[n,c,h,w]·s[n,c]</c>.</summary>
    public static void ChannelScale(ArrayView<float> x, ArrayView<float> scale, ArrayView<float> y, ChannelGeometry g)
    {
        int length = g.Length;
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < length; i += step)
        {
            y[i] = x[i] * scale[i / g.Inner];
        }
    }

    /// <summary>Copies one concat input into its channel range of the output.</summary>
    public static void ConcatInto(ArrayView<float> x, ArrayView<float> y, ConcatSlice slice)
    {
        int length = slice.Length;
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < length; i += step)
        {
            y[slice.DestinationIndex(i)] = x[i];
        }
    }

    /// <summary><c>y = x</c>.</summary>
    public static void Copy(ArrayView<float> x, ArrayView<float> y, int length)
    {
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < length; i += step)
        {
            y[i] = x[i];
        }
    }
}
