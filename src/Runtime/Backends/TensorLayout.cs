using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Runtime.Backends;

/// <summary>
/// How a backend stores an activation tensor in its buffer. NCHW (C order) is the public layout:
/// graph inputs and outputs always use it. A backend may keep rank ≥ 3 activations channel-blocked
/// (<c>NCHW16c</c>: <c>[N][⌈C/b⌉][H][W][b]</c>) so that one SIMD vector holds b channels of a pixel;
/// the channel count is then padded up to a multiple of b, and the padding lanes hold zeros.
/// </summary>
public readonly record struct TensorLayout
{
    private readonly int _channelBlock;

    private TensorLayout(int channelBlock) => _channelBlock = channelBlock;

    /// <summary>Plain C order (NCHW for images, [N, features] for vectors).</summary>
    public static TensorLayout Nchw => default;

    /// <summary>Channels in blocks of <see cref="ChannelBlock"/> (1 for NCHW).</summary>
    public int ChannelBlock => Math.Max(1, _channelBlock);

    /// <summary>True for a channel-blocked layout.</summary>
    public bool IsBlocked => _channelBlock > 1;

    /// <summary>The channel-blocked layout <c>NCHW{block}c</c>.</summary>
    /// <param name="block">Channels per block (2 or more).</param>
    public static TensorLayout ChannelBlocked(int block)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(block, 2);
        return new TensorLayout(block);
    }

    /// <summary>Whether a tensor of <paramref name="shape"/> can be stored in this layout (blocked layouts need rank ≥ 3).</summary>
    /// <param name="shape">The logical shape.</param>
    public bool AppliesTo(TensorShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return !IsBlocked || shape.Rank >= 3;
    }

    /// <summary>Channels after padding to whole blocks.</summary>
    /// <param name="channels">Logical channels.</param>
    public int PaddedChannels(int channels) => (channels + ChannelBlock - 1) / ChannelBlock * ChannelBlock;

    /// <summary>Floats a tensor of <paramref name="shape"/> occupies in this layout.</summary>
    /// <param name="shape">The logical shape.</param>
    /// <exception cref="ArgumentException">The layout does not apply to the shape.</exception>
    public int StorageLength(TensorShape shape)
    {
        if (!AppliesTo(shape))
        {
            throw new ArgumentException($"Layout {this} needs rank 3 or more; got {shape}.", nameof(shape));
        }

        return IsBlocked ? checked(shape[0] * PaddedChannels(shape[1]) * shape.CountFrom(2)) : shape.ElementCount;
    }

    /// <summary><c>NCHW</c> or <c>NCHW16c</c>.</summary>
    public override string ToString() => IsBlocked ? $"NCHW{ChannelBlock}c" : "NCHW";
}
