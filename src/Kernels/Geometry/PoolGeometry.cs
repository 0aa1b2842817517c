namespace CnnGpu.Kernels;

/// <summary>
/// A 2-D pooling window over NCHW data. Padding positions never win a max; for averages they
/// count in the divisor only when <see cref="CountIncludePad"/> is set, and positions past the
/// bottom/right padding (ceil mode) never count (ONNX/PyTorch semantics).
/// </summary>
public readonly record struct PoolGeometry(
    int Batch, int Channels, int InHeight, int InWidth, int OutHeight, int OutWidth,
    int KernelH, int KernelW, int StrideH, int StrideW,
    int PadTop, int PadLeft, int PadBottom, int PadRight, bool CountIncludePad)
{
    // ILGPU rejects bool kernel parameters and structs holding one ("not blittable"), so the
    // flag is stored as an int; the public shape (a bool property) is unchanged.
    private readonly int countIncludePadFlag = CountIncludePad ? 1 : 0;

    /// <summary>Whether padding positions count in the average divisor (ceil-mode overhang never does).</summary>
    public bool CountIncludePad
    {
        get => countIncludePadFlag != 0;
        init => countIncludePadFlag = value ? 1 : 0;
    }

    /// <summary>Number of output elements.</summary>
    public int OutputLength => Batch * Channels * OutHeight * OutWidth;
}
