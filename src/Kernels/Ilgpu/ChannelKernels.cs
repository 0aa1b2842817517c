using ILGPU;

namespace CnnGpu.Kernels.Ilgpu;

/// <summary>Clip, constant scale and the channel gathers (semantics: <see cref="Reference.ReferenceChannelOps"/>).</summary>
internal static class ChannelKernels
{
    /// <summary><c>y = min(max(x, min), max)</c>; a NaN stays NaN.</summary>
    public static void Clip(ArrayView<float> x, ArrayView<float> y, int length, float min, float max)
    {
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < length; i += step)
        {
            float v = x[i];
            y[i] = v < min ? min : v > max ? max : v;
        }
    }

    /// <summary><c>y = factor·x</c>.</summary>
    public static void Scale(ArrayView<float> x, ArrayView<float> y, int length, float factor)
    {
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < length; i += step)
        {
            y[i] = factor * x[i];
        }
    }

    /// <summary>One thread per output element reads the element its channel maps to.</summary>
    public static void Gather(ArrayView<float> x, ArrayView<float> y, ChannelGather g)
    {
        int length = g.Length;
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < length; i += step)
        {
            y[i] = x[g.SourceIndex(i)];
        }
    }
}
