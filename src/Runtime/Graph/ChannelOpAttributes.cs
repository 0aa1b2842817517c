namespace CnnGpu.Runtime.Graph;

/// <summary>Clip attributes: <c>y = min(max(x, Min), Max)</c>.</summary>
/// <param name="Min">Lower bound (<see cref="float.NegativeInfinity"/> for none).</param>
/// <param name="Max">Upper bound (<see cref="float.PositiveInfinity"/> for none).</param>
public sealed record ClipAttrs(float Min, float Max) : OpAttributes
{
    /// <summary>ReLU6, <c>min(max(x, 0), 6)</c> (MobileNet-v2).</summary>
    public static ClipAttrs Relu6 { get; } = new(0f, 6f);

    /// <summary>Whether these bounds are exactly ReLU6's, the clip the backends fuse into a convolution's epilogue.</summary>
    public bool IsRelu6 => Min == 0f && Max == 6f;
}

/// <summary>Channel shuffle attributes.</summary>
/// <param name="Groups">The g of <c>[N, g·c, H, W] → [N, c·g, H, W]</c>; must divide the channel count.</param>
public sealed record ChannelShuffleAttrs(int Groups) : OpAttributes;

/// <summary>Channel slice attributes: channels <c>[Start, Start + Count)</c> of the input.</summary>
/// <param name="Start">First channel kept.</param>
/// <param name="Count">Channels kept (≥ 1).</param>
public sealed record ChannelSliceAttrs(int Start, int Count) : OpAttributes;

/// <summary>Scale attributes: <c>y = Factor·x</c>.</summary>
/// <param name="Factor">The constant factor.</param>
public sealed record ScaleAttrs(float Factor) : OpAttributes;
