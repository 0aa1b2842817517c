namespace CnnGpu.Kernels;

/// <summary>
/// Local response normalisation across channels with ONNX semantics:
/// <c>y = x / (Bias + Alpha/Size · Σ x²)^Beta</c>, the sum over channels
/// <c>[c − ⌊(Size−1)/2⌋, c + ⌈(Size−1)/2⌉]</c> clipped to the tensor.
/// </summary>
public readonly record struct LrnGeometry(
    int Batch, int Channels, int Height, int Width, int Size, float Alpha, float Beta, float Bias)
{
    /// <summary>Channels below c in the window.</summary>
    public int Before => (Size - 1) / 2;

    /// <summary>Channels above c in the window.</summary>
    public int After => Size / 2;

    /// <summary>Number of elements.</summary>
    public int Length => Batch * Channels * Height * Width;
}
