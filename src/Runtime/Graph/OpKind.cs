namespace CnnGpu.Runtime.Graph;

/// <summary>Every operation a graph can hold. Each has one attribute record (see <see cref="OpAttributes"/>).</summary>
public enum OpKind
{
    /// <summary>2-D convolution; inputs x, weights, optional bias. <see cref="Conv2dAttrs"/>.</summary>
    Conv2d,

    /// <summary>Max pooling. <see cref="MaxPoolAttrs"/>.</summary>
    MaxPool,

    /// <summary>Average pooling. <see cref="AvgPoolAttrs"/>.</summary>
    AvgPool,

    /// <summary>Mean of each channel plane, <c>[N,C,H,W] → [N,C,1,1]</c>. <see cref="NoAttrs"/>.</summary>
    GlobalAvgPool,

    /// <summary>Local response normalisation across channels. <see cref="LrnAttrs"/>.</summary>
    Lrn,

    /// <summary>Inference batch norm; inputs x, scale, bias, mean, variance. <see cref="BatchNormAttrs"/>.</summary>
    BatchNorm,

    /// <summary>max(x, 0). <see cref="NoAttrs"/>.</summary>
    Relu,

    /// <summary>Logistic sigmoid. <see cref="NoAttrs"/>.</summary>
    Sigmoid,

    /// <summary>SE gating <c>y[n,c,h,w] = x[n,c,h,w]·s[n,c]</c>; inputs x, s. <see cref="NoAttrs"/>.</summary>
    ChannelScale,

    /// <summary>Elementwise sum of two same-shaped tensors (residual add). <see cref="NoAttrs"/>.</summary>
    Add,

    /// <summary>Concatenation on the channel axis. <see cref="NoAttrs"/>.</summary>
    Concat,

    /// <summary>Fully connected layer; inputs x [N, in], weights, optional bias. <see cref="FullyConnectedAttrs"/>.</summary>
    FullyConnected,

    /// <summary>Numerically stable softmax over axis 1. <see cref="NoAttrs"/>.</summary>
    Softmax,

    /// <summary><c>[N, ...] → [N, product]</c>. <see cref="NoAttrs"/>.</summary>
    Flatten,

    /// <summary>Identity at inference. <see cref="DropoutAttrs"/>.</summary>
    Dropout,

    /// <summary>Passes its input through. <see cref="NoAttrs"/>.</summary>
    Identity,

    /// <summary><c>min(max(x, Min), Max)</c> elementwise; ReLU6 is Clip(0, 6). <see cref="ClipAttrs"/>.</summary>
    Clip,

    /// <summary>
    /// ShuffleNet's channel shuffle: <c>[N, g·c, H, W]</c> viewed as <c>[N, g, c, H, W]</c>, transposed to
    /// <c>[N, c, g, H, W]</c> and viewed back as <c>[N, c·g, H, W]</c>. <see cref="ChannelShuffleAttrs"/>.
    /// </summary>
    ChannelShuffle,

    /// <summary>A contiguous range of channels, <c>[N, C, H, W] → [N, Count, H, W]</c> (ShuffleNet's channel split). <see cref="ChannelSliceAttrs"/>.</summary>
    ChannelSlice,

    /// <summary><c>y = Factor·x</c> elementwise (Inception-ResNet's residual scaling). <see cref="ScaleAttrs"/>.</summary>
    Scale,
}
