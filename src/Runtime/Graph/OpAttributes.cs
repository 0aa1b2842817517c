namespace CnnGpu.Runtime.Graph;

/// <summary>Base of the named attribute records, one per <see cref="OpKind"/>.</summary>
public abstract record OpAttributes;

/// <summary>An activation applied by a kernel to its own result before storing it (a fused epilogue).</summary>
public enum FusedActivation
{
    /// <summary>Store the result as is.</summary>
    None,

    /// <summary>Store max(result, 0).</summary>
    Relu,

    /// <summary>Store min(max(result, 0), 6): MobileNet-v2's ReLU6, a <see cref="ClipAttrs"/> of (0, 6) fused into its producer.</summary>
    Relu6,
}

/// <summary>Attributes of ops that have none (ReLU, Add, Concat, …).</summary>
public sealed record NoAttrs : OpAttributes
{
    /// <summary>The one instance.</summary>
    public static NoAttrs Instance { get; } = new();

    private NoAttrs()
    {
    }
}

/// <summary>Zero padding on the four sides of an image (ONNX order begins top, left).</summary>
/// <param name="Top">Rows above.</param>
/// <param name="Left">Columns to the left.</param>
/// <param name="Bottom">Rows below.</param>
/// <param name="Right">Columns to the right.</param>
public readonly record struct Padding2d(int Top, int Left, int Bottom, int Right)
{
    /// <summary>The same padding on every side.</summary>
    /// <param name="all">Rows/columns on each side.</param>
    public static Padding2d Uniform(int all) => new(all, all, all, all);

    /// <summary>No padding.</summary>
    public static Padding2d None => default;

    /// <summary>True when all four sides are equal.</summary>
    public bool IsSymmetric => Top == Bottom && Left == Right && Top == Left;

    /// <inheritdoc/>
    public override string ToString() => IsSymmetric ? Top.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Top},{Left},{Bottom},{Right}";
}

/// <summary>A convolution's filter window; the filter count comes from the weight tensor.</summary>
/// <param name="KernelH">Filter height.</param>
/// <param name="KernelW">Filter width.</param>
/// <param name="StrideH">Vertical stride.</param>
/// <param name="StrideW">Horizontal stride.</param>
/// <param name="Pads">Zero padding.</param>
/// <param name="DilationH">Vertical dilation.</param>
/// <param name="DilationW">Horizontal dilation.</param>
/// <param name="Groups">Channel groups (input channels = groups is depthwise).</param>
/// <param name="Activation">Fused epilogue (set by the fusion pass).</param>
/// <param name="Residual">
/// The node's last input is a tensor shaped like its output that is added to the result before the
/// activation: a residual block's skip connection fused into the convolution that ends the block (set by
/// <see cref="Passes.FuseResidualAddPass"/>). Inputs are then x, weights, optional bias, residual.
/// </param>
public sealed record Conv2dAttrs(
    int KernelH, int KernelW, int StrideH, int StrideW, Padding2d Pads,
    int DilationH = 1, int DilationW = 1, int Groups = 1, FusedActivation Activation = FusedActivation.None, bool Residual = false) : OpAttributes
{
    /// <summary>Whether a node with these attributes and <paramref name="inputCount"/> inputs has a bias input (input 2).</summary>
    /// <param name="inputCount">The node's number of inputs.</param>
    public bool HasBias(int inputCount) => inputCount > (Residual ? 3 : 2);

    /// <summary>A square kernel with uniform stride and padding.</summary>
    /// <param name="kernel">Kernel size.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="pad">Padding on every side.</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="dilation">Dilation.</param>
    public static Conv2dAttrs Square(int kernel, int stride = 1, int pad = 0, int groups = 1, int dilation = 1) =>
        new(kernel, kernel, stride, stride, Padding2d.Uniform(pad), dilation, dilation, groups);
}

/// <summary>A pooling window.</summary>
/// <param name="KernelH">Window height.</param>
/// <param name="KernelW">Window width.</param>
/// <param name="StrideH">Vertical stride.</param>
/// <param name="StrideW">Horizontal stride.</param>
/// <param name="Pads">Padding (never wins a max; see <see cref="AvgPoolAttrs"/> for averages).</param>
/// <param name="CeilMode">Round the output size up instead of down.</param>
public readonly record struct PoolWindow(int KernelH, int KernelW, int StrideH, int StrideW, Padding2d Pads, bool CeilMode = false)
{
    /// <summary>A square window with uniform stride and padding.</summary>
    /// <param name="kernel">Window size.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="pad">Padding on every side.</param>
    /// <param name="ceilMode">Round output size up.</param>
    public static PoolWindow Square(int kernel, int stride, int pad = 0, bool ceilMode = false) =>
        new(kernel, kernel, stride, stride, Padding2d.Uniform(pad), ceilMode);
}

/// <summary>Max pooling attributes.</summary>
/// <param name="Window">The window.</param>
public sealed record MaxPoolAttrs(PoolWindow Window) : OpAttributes;

/// <summary>Average pooling attributes.</summary>
/// <param name="Window">The window.</param>
/// <param name="CountIncludePad">Whether padded positions count in the divisor.</param>
public sealed record AvgPoolAttrs(PoolWindow Window, bool CountIncludePad = false) : OpAttributes;

/// <summary>LRN across channels with ONNX semantics: <c>x / (Bias + Alpha/Size · Σx²)^Beta</c>.</summary>
/// <param name="Size">Channels in the window (n).</param>
/// <param name="Alpha">Scale, divided by <paramref name="Size"/> when applied (ONNX/Caffe).</param>
/// <param name="Beta">Exponent.</param>
/// <param name="Bias">Additive constant (k).</param>
public sealed record LrnAttrs(int Size, float Alpha, float Beta, float Bias) : OpAttributes;

/// <summary>Inference batch norm attributes.</summary>
/// <param name="Epsilon">Added to the variance.</param>
public sealed record BatchNormAttrs(float Epsilon = 1e-5f) : OpAttributes;

/// <summary>Fully connected attributes.</summary>
/// <param name="TransposedWeight">Weights stored <c>[in, out]</c> instead of <c>[out, in]</c>.</param>
/// <param name="Activation">Fused epilogue (set by the fusion pass).</param>
public sealed record FullyConnectedAttrs(bool TransposedWeight = false, FusedActivation Activation = FusedActivation.None) : OpAttributes;

/// <summary>Residual add attributes (plain adds may use <see cref="NoAttrs"/>).</summary>
/// <param name="Activation">Fused epilogue: ReLU after the sum, as every ResNet block ends.</param>
public sealed record AddAttrs(FusedActivation Activation) : OpAttributes;

/// <summary>Dropout attributes (kept for reporting; identity at inference).</summary>
/// <param name="Ratio">Drop probability during training.</param>
public sealed record DropoutAttrs(float Ratio) : OpAttributes;
