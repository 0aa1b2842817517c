namespace CnnGpu.Kernels.Reference;

/// <summary>Scalar clip, constant scale and the channel gathers (shuffle, slice) of the lightweight networks.</summary>
public static class ReferenceChannelOps
{
    /// <summary><c>y = min(max(x, min), max)</c>; a NaN stays NaN.</summary>
    /// <param name="x">Input.</param>
    /// <param name="y">Output.</param>
    /// <param name="min">Lower bound.</param>
    /// <param name="max">Upper bound.</param>
    public static void Clip(ReadOnlySpan<float> x, Span<float> y, float min, float max)
    {
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];
            y[i] = v < min ? min : v > max ? max : v;
        }
    }

    /// <summary><c>y = factor·x</c>.</summary>
    /// <param name="x">Input.</param>
    /// <param name="y">Output.</param>
    /// <param name="factor">The factor.</param>
    public static void Scale(ReadOnlySpan<float> x, Span<float> y, float factor)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = factor * x[i];
        }
    }

    /// <summary>
    /// Copies whole channel planes as <paramref name="g"/> says, walking the input in the shuffle's own terms
    /// (input channel <c>gi·c + ci</c> lands on output channel <c>ci·g + gi</c>), not through
    /// <see cref="ChannelGather.SourceIndex"/>, so the reference does not share the device kernels' index arithmetic.
    /// </summary>
    /// <param name="x">Input, <c>[N, InChannels, H·W]</c>.</param>
    /// <param name="y">Output, <c>[N, OutChannels, H·W]</c>.</param>
    /// <param name="g">Which channels go where.</param>
    public static void Gather(ReadOnlySpan<float> x, Span<float> y, in ChannelGather g)
    {
        int perGroup = g.InChannels / g.Groups;
        for (int n = 0; n < g.Batch; n++)
        {
            for (int gi = 0; gi < g.Groups; gi++)
            {
                for (int ci = 0; ci < g.OutChannels / g.Groups; ci++)
                {
                    int source = g.Start + (gi * perGroup) + ci;
                    int target = (ci * g.Groups) + gi;
                    x.Slice(((n * g.InChannels) + source) * g.Spatial, g.Spatial)
                        .CopyTo(y.Slice(((n * g.OutChannels) + target) * g.Spatial, g.Spatial));
                }
            }
        }
    }
}
