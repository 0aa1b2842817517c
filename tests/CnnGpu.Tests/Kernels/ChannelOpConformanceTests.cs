using CnnGpu.Runtime.Backends.Reference;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Passes;
using CnnGpu.Runtime.Tensors;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Kernels;

/// <summary>
/// The lightweight networks' ops (Clip/ReLU6, channel shuffle, channel slice, constant scale, and ReLU6
/// fused into a convolution) on every optimised backend against the scalar reference, over channel counts
/// that cross the CPU backend's 4/8/16-channel blocks (1, 15, 16, 17, 33), shuffle groups 2/3/4 and
/// batches 1 and 3. Each case runs after a convolution as well, so the CPU backend meets it in its
/// channel-blocked layout, as it would inside a network.
/// </summary>
public abstract class ChannelOpConformanceTests(BackendFixture fixture)
{
    private static readonly ReferenceBackend Truth = new();

    private static readonly int[] Channels = [1, 15, 16, 17, 33];

    public static TheoryData<int, int, int> ShuffleCases()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int batch in new[] { 1, 3 })
        {
            foreach (int groups in new[] { 2, 3, 4 })
            {
                foreach (int perGroup in Channels)
                {
                    data.Add(batch, groups, perGroup);
                }
            }
        }

        return data;
    }

    public static TheoryData<int, int, int, int> SliceCases()
    {
        var data = new TheoryData<int, int, int, int>();
        foreach (int batch in new[] { 1, 3 })
        {
            foreach (int c in Channels)
            {
                data.Add(batch, c, 0, c);
                if (c > 1)
                {
                    data.Add(batch, c, c / 2, c - (c / 2));
                    data.Add(batch, c, 0, c / 2);
                    data.Add(batch, c, 1, c - 1);
                }

                if (c > 16)
                {
                    data.Add(batch, c, 16, 1);
                }
            }
        }

        return data;
    }

    public static TheoryData<int, int, float, float> ClipCases()
    {
        var data = new TheoryData<int, int, float, float>();
        foreach (int batch in new[] { 1, 3 })
        {
            foreach (int c in Channels)
            {
                data.Add(batch, c, 0f, 6f);
                data.Add(batch, c, -1f, 1f);
                data.Add(batch, c, 0.5f, 2f);     // moves 0: the blocked layout's padding lanes must not change
                data.Add(batch, c, float.NegativeInfinity, -0.25f);
            }
        }

        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(ShuffleCases))]
    public void ChannelShuffle_matches_reference(int batch, int groups, int perGroup) =>
        Compare($"n{batch} g{groups} c{groups * perGroup}", new ChannelShuffleAttrs(groups), batch, groups * perGroup, exact: true);

    [SkippableTheory]
    [MemberData(nameof(SliceCases))]
    public void ChannelSlice_matches_reference(int batch, int channels, int start, int count) =>
        Compare($"n{batch} c{channels} [{start}, +{count})", new ChannelSliceAttrs(start, count), batch, channels, exact: true);

    [SkippableTheory]
    [MemberData(nameof(ClipCases))]
    public void Clip_matches_reference(int batch, int channels, float min, float max) =>
        Compare($"n{batch} c{channels} [{min}, {max}]", new ClipAttrs(min, max), batch, channels, exact: true);

    [SkippableTheory]
    [InlineData(1, 17, 0.17f)]
    [InlineData(3, 33, -2f)]
    [InlineData(3, 16, 0.1f)]
    public void Scale_matches_reference(int batch, int channels, float factor) =>
        Compare($"n{batch} c{channels} ×{factor}", new ScaleAttrs(factor), batch, channels, exact: true);

    [SkippableTheory]
    [InlineData("n3 c6 11x13 f10 k3x3 s2x2 p1,0,2,1 d1x1 g2 bias")]
    [InlineData("n3 c9 7x5 f17 k1x1 s1x1 p0,0,0,0 d1x1 g1 bias")]
    [InlineData("n1 c16 9x9 f16 k3x3 s1x1 p1,1,1,1 d1x1 g16 nobias")]
    [InlineData("n1 c33 9x9 f33 k3x3 s2x2 p1,1,1,1 d1x1 g33 bias")]
    [InlineData("n3 c8 12x12 f15 k3x3 s1x1 p1,1,1,1 d1x1 g1 bias")]
    public void Conv2d_with_fused_relu6_matches_reference(string spec)
    {
        var backend = fixture.Require();
        var c = ConvCase.Parse(spec);

        // Weights scaled ×8 so a good share of the outputs lies above 6 and the cap is exercised.
        var x = RandomData.Uniform(1, -4f, 4f, c.N, c.C, c.H, c.W);
        var w = RandomData.Uniform(2, -2f, 2f, c.Filters, c.C / c.Groups, c.KernelH, c.KernelW);
        Tensor[] parameters = c.Bias ? [w, RandomData.Symmetric(3, c.Filters)] : [w];
        var attrs = c.Attrs with { Activation = FusedActivation.Relu6 };
        var expected = SingleOp.Run(Truth, OpKind.Conv2d, attrs, [x], parameters);
        Assert.Contains(expected.Data, v => v == 6f);
        Assert.Contains(expected.Data, v => v == 0f);
        Tolerance.AssertClose(expected.Data, SingleOp.Run(backend, OpKind.Conv2d, attrs, [x], parameters).Data, $"conv+relu6 [{spec}] on {backend.Name}");
    }

    [SkippableFact]
    public void Conv_then_relu6_fuses_and_matches_the_unfused_reference()
    {
        var backend = fixture.Require();
        var b = new GraphBuilder("conv-relu6", new WeightInitializer(5));
        int x = b.Input("x", 17, 9, 9);
        int conv = b.Conv2d("conv", x, 24, Conv2dAttrs.Square(3, pad: 1));
        b.Output(b.Relu6("relu6", b.Scale("scale", conv, 8f)));
        var graph = b.Build();
        var input = RandomData.Symmetric(6, 3, 17, 9, 9);
        using var unfused = new Executor(graph, Truth);
        var expected = unfused.RunAll(input)[0];
        Assert.Contains(expected.Data, v => v == 6f);

        // Scale between the conv and the clip keeps the clip unfused; without it the clip fuses into the conv.
        var direct = new GraphBuilder("conv-relu6-direct", new WeightInitializer(5));
        int dx = direct.Input("x", 17, 9, 9);
        direct.Output(direct.Relu6("relu6", direct.Conv2d("conv", dx, 24, Conv2dAttrs.Square(3, pad: 1))));
        var optimized = GraphOptimizer.Optimize(direct.Build());
        var fused = Assert.Single(optimized.Nodes);
        Assert.Equal(FusedActivation.Relu6, ((Conv2dAttrs)fused.Attributes).Activation);

        using var actual = new Executor(graph, backend);
        Tolerance.AssertClose(expected.Data, actual.RunAll(input)[0].Data, $"conv→scale→relu6 on {backend.Name}");
        using var unfusedDirect = new Executor(direct.Build(), Truth);
        using var fusedDirect = new Executor(optimized, backend);
        Tolerance.AssertClose(unfusedDirect.RunAll(input)[0].Data, fusedDirect.RunAll(input)[0].Data, $"fused conv+relu6 on {backend.Name}");
    }

    /// <summary>Runs the op on a plain input and, for the CPU backend's blocked layout, after a 1×1 convolution.</summary>
    private void Compare(string context, OpAttributes attrs, int batch, int channels, bool exact)
    {
        var backend = fixture.Require();
        var kind = attrs switch
        {
            ClipAttrs => OpKind.Clip,
            ScaleAttrs => OpKind.Scale,
            ChannelShuffleAttrs => OpKind.ChannelShuffle,
            _ => OpKind.ChannelSlice,
        };
        var x = RandomData.Uniform(40 + channels, -8f, 8f, batch, channels, 5, 3);
        var expected = SingleOp.Run(Truth, kind, attrs, [x]);
        var actual = SingleOp.Run(backend, kind, attrs, [x]);
        Assert.Equal(expected.Shape, actual.Shape);
        Check(expected.Data, actual.Data, $"{kind} [{context}] on {backend.Name}", exact);

        var b = new GraphBuilder("after-conv", new WeightInitializer(7));
        int input = b.Input("x", channels, 5, 3);
        int conv = b.Conv2d("conv", input, channels, Conv2dAttrs.Square(1));
        b.Output(b.Add("op", kind, attrs, conv));
        var graph = b.Build();
        using var truth = new Executor(graph, Truth);
        using var run = new Executor(graph, backend);
        Tolerance.AssertClose(truth.RunAll(x)[0].Data, run.RunAll(x)[0].Data, $"conv→{kind} [{context}] on {backend.Name}");
    }

    private static void Check(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string where, bool exact)
    {
        if (exact)
        {
            Tolerance.AssertExact(expected, actual, where);
        }
        else
        {
            Tolerance.AssertClose(expected, actual, where);
        }
    }
}

[Collection(OnIlgpuCpu.Name)]
public sealed class IlgpuCpuChannelOpConformanceTests(IlgpuCpuFixture fixture) : ChannelOpConformanceTests(fixture);

[Collection(OnCpu.Name)]
public sealed class CpuChannelOpConformanceTests(CpuFixture fixture) : ChannelOpConformanceTests(fixture);

[Collection(OnCpu256.Name)]
public sealed class Cpu256ChannelOpConformanceTests(Cpu256Fixture fixture) : ChannelOpConformanceTests(fixture);

[Collection(OnCpu128.Name)]
public sealed class Cpu128ChannelOpConformanceTests(Cpu128Fixture fixture) : ChannelOpConformanceTests(fixture);

[Collection(OnCuda.Name)]
public sealed class CudaChannelOpConformanceTests(CudaFixture fixture) : ChannelOpConformanceTests(fixture);

[Collection(OnOpenCl.Name)]
public sealed class OpenClChannelOpConformanceTests(OpenClFixture fixture) : ChannelOpConformanceTests(fixture);
