namespace CnnGpu.Kernels;

/// <summary>
/// Everything a 2-D convolution kernel needs to know about its NCHW operands.
/// Weights are laid out <c>[OutChannels, InChannels/Groups, KernelH, KernelW]</c>.
/// </summary>
/// <param name="Batch">Images in the batch (N).</param>
/// <param name="InChannels">Input channels (C).</param>
/// <param name="InHeight">Input height (H).</param>
/// <param name="InWidth">Input width (W).</param>
/// <param name="OutChannels">Output channels (K).</param>
/// <param name="OutHeight">Output height.</param>
/// <param name="OutWidth">Output width.</param>
/// <param name="KernelH">Filter height.</param>
/// <param name="KernelW">Filter width.</param>
/// <param name="StrideH">Vertical stride.</param>
/// <param name="StrideW">Horizontal stride.</param>
/// <param name="DilationH">Vertical dilation (1 = dense filter).</param>
/// <param name="DilationW">Horizontal dilation (1 = dense filter).</param>
/// <param name="PadTop">Zero rows added above the input.</param>
/// <param name="PadLeft">Zero columns added left of the input.</param>
/// <param name="Groups">Channel groups; <c>Groups == InChannels</c> is depthwise.</param>
/// <param name="HasBias">Whether a per-output-channel bias is added.</param>
public readonly record struct ConvGeometry(
    int Batch, int InChannels, int InHeight, int InWidth,
    int OutChannels, int OutHeight, int OutWidth,
    int KernelH, int KernelW, int StrideH, int StrideW, int DilationH, int DilationW,
    int PadTop, int PadLeft, int Groups, bool HasBias)
{
    // ILGPU rejects bool kernel parameters and structs holding one ("not blittable"), so the
    // flag is stored as an int; the public shape (a bool property) is unchanged.
    private readonly int hasBiasFlag = HasBias ? 1 : 0;

    /// <summary>Whether a per-output-channel bias is added.</summary>
    public bool HasBias
    {
        get => hasBiasFlag != 0;
        init => hasBiasFlag = value ? 1 : 0;
    }

    // Stored as an int for the same reason as the bias flag.
    private readonly int fuseReluFlag;

    /// <summary>Whether the kernel applies ReLU to its result (a fused epilogue: no separate pass over memory).</summary>
    public bool FuseRelu
    {
        get => fuseReluFlag != 0;
        init => fuseReluFlag = value ? 1 : 0;
    }

    // Stored as an int for the same reason as the bias flag.
    private readonly int fuseRelu6Flag;

    /// <summary>
    /// Whether the fused ReLU also caps the result at 6 (ReLU6, MobileNet-v2's activation); read only
    /// together with <see cref="FuseRelu"/>, which supplies the floor.
    /// </summary>
    public bool FuseRelu6
    {
        get => fuseRelu6Flag != 0;
        init => fuseRelu6Flag = value ? 1 : 0;
    }

    /// <summary>
    /// The fused epilogue applied to one result: nothing, ReLU, or ReLU6 (the one place every scalar and
    /// device kernel takes the rule from). A NaN passes through, as in the unfused ops.
    /// </summary>
    /// <param name="v">The result before the activation.</param>
    public float Activate(float v) => !FuseRelu ? v : v < 0f ? 0f : FuseRelu6 && v > 6f ? 6f : v;

    /// <summary>Input channels seen by one filter.</summary>
    public int InChannelsPerGroup => InChannels / Groups;

    /// <summary>Output channels produced by one group.</summary>
    public int OutChannelsPerGroup => OutChannels / Groups;

    /// <summary>Number of output elements.</summary>
    public int OutputLength => Batch * OutChannels * OutHeight * OutWidth;

    /// <summary>True for a 3×3, stride-1, undilated, ungrouped layer: one Winograd F(4×4, 3×3) computes.</summary>
    public bool IsWinogradCandidate =>
        KernelH == 3 && KernelW == 3 && StrideH == 1 && StrideW == 1 && DilationH == 1 && DilationW == 1 && Groups == 1;

    /// <summary>True when every channel has its own filter (groups = input channels = output channels).</summary>
    public bool IsDepthwise => Groups > 1 && Groups == InChannels && OutChannels == InChannels;

    /// <summary>
    /// True for the 1x1, stride-1, unpadded, undilated case, which is a plain matrix product
    /// per image and group (the bottleneck reduction of GoogLeNet and ResNet).
    /// </summary>
    public bool IsPointwise =>
        KernelH == 1 && KernelW == 1 && StrideH == 1 && StrideW == 1 &&
        PadTop == 0 && PadLeft == 0 && OutHeight == InHeight && OutWidth == InWidth;
}
