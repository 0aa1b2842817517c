namespace CnnGpu.Kernels.Simd;

/// <summary>
/// A kernel that can write each image of its output at a larger stride than its own size: it then writes
/// straight into its channel slice of a concatenation's output, and the concatenation copies nothing.
/// </summary>
public interface IStridedOutput
{
    /// <summary>Floats between consecutive images of the output (by default the kernel's own output size per image).</summary>
    nint OutputImageStride { get; set; }
}
