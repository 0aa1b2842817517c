using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Kernels;

/// <summary>
/// Hand-computed vectors (the lecture's pooling examples, LRN, softmax at ±1e4, small convs),
/// checked on every backend, the reference included. Expected values are written out by hand.
/// </summary>
public abstract class HandVectorTests(BackendFixture fixture)
{
    private static readonly float[] LecturePoolInput = [1, 3, 5, 5, 4, 1, 4, 9, 3, 2, 0, 1, 5, 2, 4, 6];

    [SkippableFact]
    public void Lecture_max_pool_2x2_stride_2_is_exact()
    {
        var y = Run(OpKind.MaxPool, new MaxPoolAttrs(PoolWindow.Square(2, 2)), Image(LecturePoolInput, 1, 4, 4));
        Assert.Equal(new TensorShape(1, 1, 2, 2), y.Shape);
        Assert.Equal([4f, 9f, 5f, 6f], y.Data);
    }

    [SkippableFact]
    public void Lecture_overlapping_max_pool_2x2_stride_1_is_exact()
    {
        var y = Run(OpKind.MaxPool, new MaxPoolAttrs(PoolWindow.Square(2, 1)), Image(LecturePoolInput, 1, 4, 4));
        Assert.Equal(new TensorShape(1, 1, 3, 3), y.Shape);
        Assert.Equal([4f, 5f, 9f, 4f, 4f, 9f, 5f, 4f, 6f], y.Data);
    }

    [SkippableFact]
    public void Max_pool_ceil_mode_keeps_the_partial_last_window()
    {
        var y = Run(OpKind.MaxPool, new MaxPoolAttrs(PoolWindow.Square(2, 2, ceilMode: true)), Image(Ramp(25), 1, 5, 5));
        Assert.Equal(new TensorShape(1, 1, 3, 3), y.Shape);
        Assert.Equal([7f, 9f, 10f, 17f, 19f, 20f, 22f, 24f, 25f], y.Data);
    }

    [SkippableFact]
    public void Avg_pool_ceil_mode_divides_by_the_cells_inside_the_image()
    {
        var y = Run(OpKind.AvgPool, new AvgPoolAttrs(PoolWindow.Square(2, 2, ceilMode: true)), Image(Ramp(25), 1, 5, 5));
        Assert.Equal([4f, 6f, 7.5f, 14f, 16f, 17.5f, 21.5f, 23.5f, 25f], y.Data);
    }

    [SkippableFact]
    public void Avg_pool_padding_counts_only_when_asked()
    {
        var ones = Image(Enumerable.Repeat(1f, 9).ToArray(), 1, 3, 3);
        var excluded = Run(OpKind.AvgPool, new AvgPoolAttrs(PoolWindow.Square(3, 1, pad: 1), CountIncludePad: false), ones);
        var included = Run(OpKind.AvgPool, new AvgPoolAttrs(PoolWindow.Square(3, 1, pad: 1), CountIncludePad: true), ones);
        Assert.All(excluded.Data, v => Assert.Equal(1f, v));
        float c = 4f / 9, e = 6f / 9;
        Tolerance.AssertClose([c, e, c, e, 1f, e, c, e, c], included.Data, "count_include_pad", 1e-7f, 1e-6f);
    }

    [SkippableFact]
    public void Lrn_matches_hand_computed_values()
    {
        // alpha/size = 1, beta = 1, bias = 1; windows [0,1], [0,2], [1,2] → sums 5, 14, 13.
        var y = Run(OpKind.Lrn, new LrnAttrs(3, 3f, 1f, 1f), Image([1, 2, 3], 3, 1, 1));
        Tolerance.AssertClose([1f / 6, 2f / 15, 3f / 14], y.Data, "LRN size 3", 1e-7f, 1e-6f);
    }

    [SkippableFact]
    public void Lrn_even_size_window_reaches_further_up()
    {
        // ONNX: size 2 → ⌊1/2⌋ = 0 channels below, ⌈1/2⌉ = 1 above: sums 5, 13, 9.
        var y = Run(OpKind.Lrn, new LrnAttrs(2, 2f, 1f, 1f), Image([1, 2, 3], 3, 1, 1));
        Tolerance.AssertClose([1f / 6, 2f / 14, 3f / 10], y.Data, "LRN size 2", 1e-7f, 1e-6f);
    }

    [SkippableFact]
    public void Lrn_with_alexnet_constants_divides_alpha_by_size()
    {
        // k = 2, n = 5, α = 1e-4, β = 0.75; the 5-wide window covers all three channels: Σx² = 14.
        var y = Run(OpKind.Lrn, new LrnAttrs(5, 1e-4f, 0.75f, 2f), Image([1, 2, 3], 3, 1, 1));
        float d = (float)Math.Pow(2 + (1e-4 / 5 * 14), 0.75);
        Tolerance.AssertClose([1 / d, 2 / d, 3 / d], y.Data, "LRN AlexNet", 1e-7f, 1e-6f);
    }

    [SkippableFact]
    public void Softmax_of_logits_near_plus_minus_1e4_is_finite_and_sums_to_one()
    {
        var x = new Tensor(new TensorShape(2, 4), [1e4f, -1e4f, 1e4f - 1, 0f, -1e4f, -1e4f + 2, -1e4f, -1e4f]);
        var y = Run(OpKind.Softmax, NoAttrs.Instance, x);
        Assert.All(y.Data, v => Assert.True(float.IsFinite(v), $"non-finite softmax value {v}"));
        Assert.Equal(1.0, y.Data[..4].Sum(v => (double)v), 6);
        Assert.Equal(1.0, y.Data[4..].Sum(v => (double)v), 6);
        float p = (float)(1 / (1 + Math.Exp(-1))), q = (float)(Math.Exp(2) + 3);
        Tolerance.AssertClose([p, 0, 1 - p, 0, 1 / q, (q - 3) / q, 1 / q, 1 / q], y.Data, "softmax ±1e4", 1e-7f, 1e-5f);
    }

    [SkippableFact]
    public void Sigmoid_saturates_without_overflow()
    {
        var y = Run(OpKind.Sigmoid, NoAttrs.Instance, new Tensor(new TensorShape(1, 5), [-1e4f, -100f, 0f, 100f, 1e4f]));
        Tolerance.AssertClose([0f, 0f, 0.5f, 1f, 1f], y.Data, "sigmoid", 1e-7f, 1e-6f);
    }

    [SkippableFact]
    public void Conv_2x2_valid_matches_hand_result()
    {
        var y = Run(OpKind.Conv2d, Conv2dAttrs.Square(2), Image(Ramp(9), 1, 3, 3), Weights([1, 0, 0, -1], 1, 1, 2, 2));
        Assert.Equal([-4f, -4f, -4f, -4f], y.Data);
    }

    [SkippableFact]
    public void Conv_padded_strided_with_bias_matches_hand_result()
    {
        var bias = new Tensor(new TensorShape(1), [0.5f]);
        var y = Run(OpKind.Conv2d, Conv2dAttrs.Square(2, stride: 2, pad: 1), Image(Ramp(9), 1, 3, 3), Weights([1, 0, 0, -1], 1, 1, 2, 2), bias);
        Assert.Equal([-0.5f, -2.5f, -6.5f, -3.5f], y.Data);
    }

    [SkippableFact]
    public void Grouped_pointwise_conv_scales_each_channel_by_its_own_filter()
    {
        var y = Run(OpKind.Conv2d, Conv2dAttrs.Square(1, groups: 2), Image([1, 2, 3, 4, 5, 6, 7, 8], 2, 2, 2), Weights([2, 3], 2, 1, 1, 1));
        Assert.Equal([2f, 4f, 6f, 8f, 15f, 18f, 21f, 24f], y.Data);
    }

    [SkippableFact]
    public void Fused_relu_epilogues_clamp_negative_results()
    {
        var w = new Tensor(new TensorShape(3, 2), [1, 2, -3, -4, 5, -6]);
        var fc = Run(OpKind.FullyConnected, new FullyConnectedAttrs(Activation: FusedActivation.Relu), new Tensor(new TensorShape(1, 2), [1, 2]), w);
        Assert.Equal([5f, 0f, 0f], fc.Data);
        var conv = Run(OpKind.Conv2d, Conv2dAttrs.Square(2) with { Activation = FusedActivation.Relu }, Image(Ramp(9), 1, 3, 3), Weights([1, 0, 0, -1], 1, 1, 2, 2), new Tensor(new TensorShape(1), [5f]));
        Assert.Equal([1f, 1f, 1f, 1f], conv.Data);
        var add = SingleOp.Run(fixture.Require(), OpKind.Add, new AddAttrs(FusedActivation.Relu), [new Tensor(new TensorShape(1, 3), [1, -2, 3]), new Tensor(new TensorShape(1, 3), [-2, 1, 0])]);
        Assert.Equal([0f, 0f, 3f], add.Data);
    }

    [SkippableFact]
    public void Batch_1_addend_is_added_to_every_item()
    {
        var mean = new Tensor(new TensorShape(1, 3), [10, 20, 30]);
        var y = Run(OpKind.Add, NoAttrs.Instance, new Tensor(new TensorShape(2, 3), [1, 2, 3, 4, 5, 6]), mean);
        Assert.Equal([11f, 22f, 33f, 14f, 25f, 36f], y.Data);
    }

    [SkippableFact]
    public void Fully_connected_matches_hand_result()
    {
        var w = new Tensor(new TensorShape(3, 2), [1, 2, 3, 4, 5, 6]);
        var b = new Tensor(new TensorShape(3), [1, 1, 1]);
        var y = Run(OpKind.FullyConnected, new FullyConnectedAttrs(), new Tensor(new TensorShape(1, 2), [1, 2]), w, b);
        Assert.Equal([6f, 12f, 18f], y.Data);
    }

    [SkippableFact]
    public void Batch_norm_matches_hand_result()
    {
        // (x − 1)/√4 · 2 + 3 = x + 2 for channel 0; (x + 1)/√(1) · 0.5 − 1 for channel 1.
        Tensor V(params float[] v) => new(new TensorShape(2), v);
        var y = Run(OpKind.BatchNorm, new BatchNormAttrs(0f), Image([1, 3, 5, -1, 1, 3], 2, 1, 3), V(2, 0.5f), V(3, -1), V(1, -1), V(4, 1));
        Assert.Equal([3f, 5f, 7f, -1f, 0f, 1f], y.Data);
    }

    private static float[] Ramp(int count) => [.. Enumerable.Range(1, count).Select(i => (float)i)];

    private static Tensor Image(float[] data, int c, int h, int w) => new(new TensorShape(1, c, h, w), data);

    private static Tensor Weights(float[] data, params int[] dims) => new(new TensorShape(dims), data);

    private Tensor Run(OpKind kind, OpAttributes attrs, Tensor x, params Tensor[] parameters) =>
        SingleOp.Run(fixture.Require(), kind, attrs, [x], parameters);
}

[Collection(OnReference.Name)]
public sealed class ReferenceHandVectorTests(ReferenceFixture fixture) : HandVectorTests(fixture);

[Collection(OnIlgpuCpu.Name)]
public sealed class IlgpuCpuHandVectorTests(IlgpuCpuFixture fixture) : HandVectorTests(fixture);

[Collection(OnCpu.Name)]
public sealed class CpuHandVectorTests(CpuFixture fixture) : HandVectorTests(fixture);

[Collection(OnCpu256.Name)]
public sealed class Cpu256HandVectorTests(Cpu256Fixture fixture) : HandVectorTests(fixture);

[Collection(OnCpu128.Name)]
public sealed class Cpu128HandVectorTests(Cpu128Fixture fixture) : HandVectorTests(fixture);

[Collection(OnCuda.Name)]
public sealed class CudaHandVectorTests(CudaFixture fixture) : HandVectorTests(fixture);

[Collection(OnOpenCl.Name)]
public sealed class OpenClHandVectorTests(OpenClFixture fixture) : HandVectorTests(fixture);
