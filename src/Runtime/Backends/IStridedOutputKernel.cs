namespace CnnGpu.Runtime.Backends;

/// <summary>
/// A prepared kernel that can write its output as a channel slice of a larger tensor — each image at a
/// larger stride than its own size — so that a concatenation's inputs are written straight into their
/// place in its output and the concatenation itself copies nothing.
/// </summary>
public interface IStridedOutputKernel : IPreparedKernel
{
    /// <summary>Whether the kernel can write image n at n·<paramref name="imageStride"/> floats from its output buffer's start.</summary>
    /// <param name="imageStride">Floats between consecutive images of the larger tensor.</param>
    bool CanUseOutputImageStride(int imageStride);

    /// <summary>Makes the kernel write image n at n·<paramref name="imageStride"/> floats from its output buffer's start.</summary>
    /// <param name="imageStride">Floats between consecutive images of the larger tensor (one <see cref="CanUseOutputImageStride"/> accepted).</param>
    void UseOutputImageStride(int imageStride);
}
