using CnnGpu.Runtime;
using CnnGpu.Runtime.Backends.Reference;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Planning;
using CnnGpu.Runtime.Tensors;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Kernels;

/// <summary>The reference kernels and shape rules of the lightweight networks' ops on vectors worked out by hand.</summary>
public sealed class ChannelOpHandVectorTests
{
    private static readonly ReferenceBackend Reference = new();

    [Fact]
    public void Shuffle_of_six_channels_in_two_groups_interleaves_the_groups()
    {
        // [N, g·c] = [1, 2·3]: groups (0 1 2) and (3 4 5) interleave to 0 3 1 4 2 5 (ShuffleNet, Zhang et al. 2018, fig. 1).
        var x = new Tensor(new TensorShape(1, 6, 1, 2), [0, 0.5f, 1, 1.5f, 2, 2.5f, 3, 3.5f, 4, 4.5f, 5, 5.5f]);
        var y = SingleOp.Run(Reference, OpKind.ChannelShuffle, new ChannelShuffleAttrs(2), [x]);
        Assert.Equal([0, 0.5f, 3, 3.5f, 1, 1.5f, 4, 4.5f, 2, 2.5f, 5, 5.5f], y.Data);
    }

    [Fact]
    public void Shuffle_of_six_channels_in_three_groups()
    {
        // Groups (0 1) (2 3) (4 5) → 0 2 4 1 3 5, for each of two images.
        var x = new Tensor(new TensorShape(2, 6, 1, 1), [0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15]);
        var y = SingleOp.Run(Reference, OpKind.ChannelShuffle, new ChannelShuffleAttrs(3), [x]);
        Assert.Equal([0, 2, 4, 1, 3, 5, 10, 12, 14, 11, 13, 15], y.Data);
    }

    [Fact]
    public void Slice_keeps_the_channel_range_of_every_image()
    {
        var x = new Tensor(new TensorShape(2, 4, 1, 1), [0, 1, 2, 3, 10, 11, 12, 13]);
        var y = SingleOp.Run(Reference, OpKind.ChannelSlice, new ChannelSliceAttrs(1, 2), [x]);
        Assert.Equal(new TensorShape(2, 2, 1, 1), y.Shape);
        Assert.Equal([1, 2, 11, 12], y.Data);
    }

    [Fact]
    public void Relu6_and_scale_on_hand_values()
    {
        var x = new Tensor(new TensorShape(1, 6), [-3, -0f, 0.5f, 5.99f, 6, 100]);
        Assert.Equal([0, 0, 0.5f, 5.99f, 6, 6], SingleOp.Run(Reference, OpKind.Clip, ClipAttrs.Relu6, [x]).Data);
        Assert.Equal([-0.51f, 0, 0.085f, 5.99f * 0.17f, 1.02f, 17f], SingleOp.Run(Reference, OpKind.Scale, new ScaleAttrs(0.17f), [x]).Data);
    }

    [Theory]
    [InlineData(OpKind.ChannelShuffle)]  // 4 groups do not divide 6 channels
    [InlineData(OpKind.ChannelSlice)]    // [5, 7) is not within 6 channels
    [InlineData(OpKind.Clip)]            // min above max
    public void Bad_attributes_fail_shape_inference_naming_the_node(OpKind kind)
    {
        OpAttributes attrs = kind switch
        {
            OpKind.ChannelShuffle => new ChannelShuffleAttrs(4),
            OpKind.ChannelSlice => new ChannelSliceAttrs(5, 2),
            _ => new ClipAttrs(1f, 0f),
        };
        var e = Assert.Throws<ShapeMismatchException>(() => ShapeInference.InferOutput(new Node("bad", kind, attrs, [0], 1), [new TensorShape(1, 6, 3, 3)]));
        Assert.Contains("'bad'", e.Message, StringComparison.Ordinal);
    }
}
