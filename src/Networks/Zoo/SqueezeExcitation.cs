using CnnGpu.Runtime.Graph;

namespace CnnGpu.Networks.Zoo;

/// <summary>
/// The squeeze-and-excitation block (Hu et al.): squeeze <c>z = GAP(u)</c>, excite
/// <c>s = sigmoid(W2·relu(W1·z))</c> with W1: C→C/r and W2: C/r→C, then scale <c>u·s</c> per channel.
/// </summary>
public static class SqueezeExcitation
{
    /// <summary>Appends an SE block to <paramref name="x"/> and returns the gated value.</summary>
    /// <param name="b">The builder.</param>
    /// <param name="name">Name prefix (<c>layer1.0.se</c>).</param>
    /// <param name="x">The feature map to gate.</param>
    /// <param name="reduction">r (16 in the paper).</param>
    public static int Append(GraphBuilder b, string name, int x, int reduction = 16)
    {
        ArgumentNullException.ThrowIfNull(b);
        int channels = b.ChannelsOf(x);
        int s = b.Flatten($"{name}.flatten", b.GlobalAvgPool($"{name}.squeeze", x));
        s = b.Relu($"{name}.relu", b.FullyConnected($"{name}.fc1", s, Math.Max(1, channels / reduction)));
        s = b.Sigmoid($"{name}.sigmoid", b.FullyConnected($"{name}.fc2", s, channels));
        return b.ChannelScale($"{name}.scale", x, s);
    }
}
