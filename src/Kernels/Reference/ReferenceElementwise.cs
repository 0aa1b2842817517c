namespace CnnGpu.Kernels.Reference;

/// <summary>Scalar residual add, SE channel scale, channel concatenation and copy.</summary>
public static class ReferenceElementwise
{
    /// <summary>
    /// <c>y = a + b</c>, optionally followed by ReLU (the fused residual epilogue). When <paramref name="b"/> is
    /// shorter than <paramref name="y"/> it repeats (one batch item added to every item).
    /// </summary>
    /// <param name="a">First addend.</param>
    /// <param name="b">Second addend: as long as <paramref name="y"/>, or one item of it.</param>
    /// <param name="y">Sum.</param>
    /// <param name="fuseRelu">Apply max(·, 0) to the sum.</param>
    public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y, bool fuseRelu = false)
    {
        for (int i = 0; i < y.Length; i++)
        {
            float v = a[i] + b[i % b.Length];
            y[i] = fuseRelu && v < 0f ? 0f : v;
        }
    }

    /// <summary>SE gating: <c>y[n,c,h,w] = x[n,c,h,w]·s[n,c]</c>.</summary>
    /// <param name="x">Input, <c>[N, C, H, W]</c>.</param>
    /// <param name="scale">Gates, <c>[N, C]</c>.</param>
    /// <param name="y">Output.</param>
    /// <param name="g">(N, C, H·W).</param>
    public static void ChannelScale(ReadOnlySpan<float> x, ReadOnlySpan<float> scale, Span<float> y, in ChannelGeometry g)
    {
        for (int i = 0; i < g.Length; i++)
        {
            y[i] = x[i] * scale[i / g.Inner];
        }
    }

    /// <summary>Copies one concat input into its channel range of the output.</summary>
    /// <param name="x">The input.</param>
    /// <param name="y">The whole concatenated output.</param>
    /// <param name="slice">Where the input lands.</param>
    public static void ConcatInto(ReadOnlySpan<float> x, Span<float> y, in ConcatSlice slice)
    {
        for (int i = 0; i < slice.Length; i++)
        {
            y[slice.DestinationIndex(i)] = x[i];
        }
    }

    /// <summary><c>y = x</c> (Identity, Dropout at inference, Flatten).</summary>
    /// <param name="x">Source.</param>
    /// <param name="y">Destination.</param>
    public static void Copy(ReadOnlySpan<float> x, Span<float> y) => x.CopyTo(y);
}
