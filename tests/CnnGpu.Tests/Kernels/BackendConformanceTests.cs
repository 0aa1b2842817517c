using CnnGpu.Runtime.Backends.Reference;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Kernels;

/// <summary>
/// Every op of an optimised backend against the scalar reference over a parameter grid, with
/// |a − e| ≤ 1e-5 + 1e-4·|e|. One subclass per accelerator; absent devices skip with the reason.
/// </summary>
public abstract class BackendConformanceTests(BackendFixture fixture)
{
    private static readonly ReferenceBackend Truth = new();

    public static TheoryData<string> ConvCases => [.. ConvCase.Grid().Select(c => c.ToString())];

    public static TheoryData<string> PoolCases => [.. PoolCase.Grid().Select(c => c.ToString())];

    [SkippableTheory]
    [MemberData(nameof(ConvCases))]
    public void Conv2d_matches_reference(string spec)
    {
        var c = ConvCase.Parse(spec);
        var x = RandomData.Symmetric(1, c.N, c.C, c.H, c.W);
        var w = RandomData.Symmetric(2, c.Filters, c.C / c.Groups, c.KernelH, c.KernelW);
        Tensor[] parameters = c.Bias ? [w, RandomData.Symmetric(3, c.Filters)] : [w];
        Compare(spec, OpKind.Conv2d, c.Attrs, [x], parameters);
    }

    [SkippableTheory]
    [InlineData("n3 c6 11x13 f10 k3x3 s2x2 p1,0,2,1 d1x1 g2 bias")]
    [InlineData("n3 c9 7x5 f11 k1x1 s1x1 p0,0,0,0 d1x1 g1 bias")]
    [InlineData("n1 c5 9x9 f5 k3x3 s1x1 p1,1,1,1 d2x2 g5 nobias")]
    public void Conv2d_with_fused_relu_matches_reference(string spec)
    {
        var c = ConvCase.Parse(spec);
        var x = RandomData.Symmetric(1, c.N, c.C, c.H, c.W);
        var w = RandomData.Symmetric(2, c.Filters, c.C / c.Groups, c.KernelH, c.KernelW);
        Tensor[] parameters = c.Bias ? [w, RandomData.Symmetric(3, c.Filters)] : [w];
        Compare(spec, OpKind.Conv2d, c.Attrs with { Activation = FusedActivation.Relu }, [x], parameters);
    }

    [SkippableTheory]
    [InlineData("n3 c6 11x13 f10 k3x3 s1x1 p1,1,1,1 d1x1 g1 bias", true)]
    [InlineData("n2 c37 9x7 f21 k1x1 s1x1 p0,0,0,0 d1x1 g1 nobias", false)]
    [InlineData("n3 c9 9x9 f9 k3x3 s1x1 p1,1,1,1 d1x1 g9 bias", true)]
    [InlineData("n1 c10 7x5 f12 k3x3 s1x1 p1,1,1,1 d1x1 g2 bias", false)]
    public void Conv2d_with_fused_residual_matches_reference(string spec, bool relu)
    {
        var backend = fixture.Require();
        var c = ConvCase.Parse(spec);
        var b = new GraphBuilder("residual");
        int x = b.Input("x", c.C, c.H, c.W);
        int w = b.Constant("w", RandomData.Symmetric(2, c.Filters, c.C / c.Groups, c.KernelH, c.KernelW));
        var attrs = c.Attrs with { Activation = relu ? FusedActivation.Relu : FusedActivation.None, Residual = true };
        int[] inputs = c.Bias ? [x, w, b.Constant("bias", RandomData.Symmetric(3, c.Filters))] : [x, w];
        var shape = Runtime.Planning.ShapeInference.InferOutput(new Node("probe", OpKind.Conv2d, c.Attrs, [.. inputs], -1), [.. inputs.Select(b.ShapeOf)]);
        int skip = b.Input("skip", [.. shape.Dimensions.Skip(1)]);
        b.Output(b.Add("conv", OpKind.Conv2d, attrs, [.. inputs, skip]));
        var graph = b.Build();
        Tensor[] feeds = [RandomData.Symmetric(1, c.N, c.C, c.H, c.W), RandomData.Symmetric(4, [c.N, .. shape.Dimensions.Skip(1)])];
        using var expected = new Executor(graph, Truth);
        using var actual = new Executor(graph, backend);
        Tolerance.AssertClose(expected.RunAll(feeds)[0].Data, actual.RunAll(feeds)[0].Data, $"conv+residual [{spec}] on {backend.Name}");
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void FullyConnected_with_fused_relu_matches_reference(bool transposed)
    {
        var w = transposed ? RandomData.Symmetric(30, 29, 53) : RandomData.Symmetric(30, 53, 29);
        Compare("fc relu", OpKind.FullyConnected, new FullyConnectedAttrs(transposed, FusedActivation.Relu), [RandomData.Symmetric(32, 3, 29)], [w, RandomData.Symmetric(31, 53)]);
    }

    [SkippableFact]
    public void Add_with_fused_relu_matches_reference() =>
        Compare("add relu", OpKind.Add, new AddAttrs(FusedActivation.Relu), [RandomData.Symmetric(16, 3, 5, 7, 9), RandomData.Symmetric(17, 3, 5, 7, 9)], [], exact: true);

    [SkippableTheory]
    [MemberData(nameof(PoolCases))]
    public void MaxPool_matches_reference(string spec)
    {
        var c = PoolCase.Parse(spec);
        Compare(spec, OpKind.MaxPool, new MaxPoolAttrs(c.Window), [RandomData.Symmetric(4, c.N, c.C, c.H, c.W)], [], exact: true);
    }

    [SkippableTheory]
    [MemberData(nameof(PoolCases))]
    public void AvgPool_matches_reference(string spec)
    {
        var c = PoolCase.Parse(spec);
        Compare(spec, OpKind.AvgPool, new AvgPoolAttrs(c.Window, c.CountIncludePad), [RandomData.Symmetric(5, c.N, c.C, c.H, c.W)], []);
    }

    [SkippableTheory]
    [InlineData(1, 3, 7, 7)]
    [InlineData(3, 5, 13, 11)]
    [InlineData(2, 17, 1, 1)]
    [InlineData(1, 9, 32, 31)]
    public void GlobalAvgPool_matches_reference(int n, int c, int h, int w) =>
        Compare($"{n}x{c}x{h}x{w}", OpKind.GlobalAvgPool, NoAttrs.Instance, [RandomData.Symmetric(6, n, c, h, w)], []);

    [SkippableTheory]
    [InlineData(1, 7, 5, 5, 5, 1e-4f, 0.75f, 2f)]
    [InlineData(3, 12, 3, 7, 5, 1e-4f, 0.75f, 1f)]
    [InlineData(1, 9, 4, 3, 3, 0.5f, 0.5f, 1f)]
    [InlineData(3, 5, 3, 3, 6, 2f, 1.25f, 0.5f)]
    [InlineData(1, 4, 2, 2, 1, 1f, 0.75f, 1f)]
    [InlineData(1, 3, 5, 5, 9, 0.3f, 0.75f, 2f)]
    public void Lrn_matches_reference(int n, int c, int h, int w, int size, float alpha, float beta, float bias) =>
        Compare($"size {size}", OpKind.Lrn, new LrnAttrs(size, alpha, beta, bias), [RandomData.Uniform(7, -3f, 3f, n, c, h, w)], []);

    [SkippableTheory]
    [InlineData(1, 5, 7, 9)]
    [InlineData(3, 13, 5, 3)]
    [InlineData(4, 7, 1, 1)]
    public void BatchNorm_matches_reference(int n, int c, int h, int w)
    {
        Tensor[] stats =
        [
            RandomData.Uniform(8, 0.5f, 1.5f, c), RandomData.Symmetric(9, c),
            RandomData.Symmetric(10, c), RandomData.Uniform(11, 0.1f, 2f, c),
        ];
        Compare($"{n}x{c}x{h}x{w}", OpKind.BatchNorm, new BatchNormAttrs(1e-3f), [RandomData.Symmetric(12, n, c, h, w)], stats);
    }

    [SkippableTheory]
    [InlineData(OpKind.Relu)]
    [InlineData(OpKind.Sigmoid)]
    [InlineData(OpKind.Identity)]
    [InlineData(OpKind.Flatten)]
    public void Unary_op_matches_reference(OpKind kind) =>
        Compare(kind.ToString(), kind, NoAttrs.Instance, [RandomData.Uniform(13, -30f, 30f, 3, 5, 7, 9)], []);

    [SkippableFact]
    public void Dropout_is_identity_at_inference() =>
        Compare("dropout", OpKind.Dropout, new DropoutAttrs(0.5f), [RandomData.Symmetric(14, 3, 37)], [], exact: true);

    [SkippableTheory]
    [InlineData(1, 10, 1, 1)]
    [InlineData(3, 1000, 1, 1)]
    [InlineData(3, 7, 5, 3)]
    public void Softmax_matches_reference(int n, int c, int h, int w)
    {
        var x = h == 1 && w == 1 ? RandomData.Uniform(15, -20f, 20f, n, c) : RandomData.Uniform(15, -20f, 20f, n, c, h, w);
        Compare($"{n}x{c}x{h}x{w}", OpKind.Softmax, NoAttrs.Instance, [x], []);
    }

    [SkippableFact]
    public void Add_matches_reference() =>
        Compare("add", OpKind.Add, NoAttrs.Instance, [RandomData.Symmetric(16, 3, 5, 7, 9), RandomData.Symmetric(17, 3, 5, 7, 9)], []);

    [SkippableFact]
    public void Add_of_a_batch_1_constant_broadcasts_over_the_batch() =>
        Compare("add mean image", OpKind.Add, NoAttrs.Instance, [RandomData.Symmetric(16, 3, 5, 7, 9)], [RandomData.Symmetric(18, 1, 5, 7, 9)], exact: true);

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void ChannelScale_matches_reference(bool fourDimensionalGate)
    {
        var gate = fourDimensionalGate ? RandomData.Uniform(18, 0f, 1f, 3, 13, 1, 1) : RandomData.Uniform(18, 0f, 1f, 3, 13);
        Compare("channel scale", OpKind.ChannelScale, NoAttrs.Instance, [RandomData.Symmetric(19, 3, 13, 5, 7), gate], [], exact: true);
    }

    [SkippableTheory]
    [InlineData(1, "3")]
    [InlineData(3, "5,7")]
    [InlineData(3, "1,6,3,9")]
    public void Concat_matches_reference(int n, string channelList)
    {
        int[] channels = [.. channelList.Split(',').Select(int.Parse)];
        Tensor[] inputs = [.. channels.Select((c, i) => RandomData.Symmetric(20 + i, n, c, 5, 3))];
        Compare($"concat {channelList}", OpKind.Concat, NoAttrs.Instance, inputs, [], exact: true);
    }

    [SkippableTheory]
    [InlineData(1, 37, 11, false, true)]
    [InlineData(3, 64, 10, false, true)]
    [InlineData(3, 29, 53, true, true)]
    [InlineData(5, 17, 19, false, false)]
    [InlineData(2, 130, 70, true, false)]
    [InlineData(9, 37, 11, false, true)]       // ≥ 8 rows and columns: the tiled GEMM (fewer: the thin path)
    [InlineData(12, 29, 53, true, true)]
    [InlineData(10, 130, 70, true, false)]
    public void FullyConnected_matches_reference(int n, int inFeatures, int outFeatures, bool transposed, bool bias)
    {
        var w = transposed ? RandomData.Symmetric(30, inFeatures, outFeatures) : RandomData.Symmetric(30, outFeatures, inFeatures);
        Tensor[] parameters = bias ? [w, RandomData.Symmetric(31, outFeatures)] : [w];
        Compare($"fc {inFeatures}->{outFeatures}", OpKind.FullyConnected, new FullyConnectedAttrs(transposed), [RandomData.Symmetric(32, n, inFeatures)], parameters);
    }

    private void Compare(string context, OpKind kind, OpAttributes attrs, Tensor[] activations, Tensor[] parameters, bool exact = false)
    {
        var backend = fixture.Require();
        var expected = SingleOp.Run(Truth, kind, attrs, activations, parameters);
        var actual = SingleOp.Run(backend, kind, attrs, activations, parameters);
        Assert.Equal(expected.Shape, actual.Shape);
        string where = $"{kind} [{context}] on {backend.Name}";
        if (exact)
        {
            Tolerance.AssertExact(expected.Data, actual.Data, where);
        }
        else
        {
            Tolerance.AssertClose(expected.Data, actual.Data, where);
        }
    }
}

[Collection(OnIlgpuCpu.Name)]
public sealed class IlgpuCpuConformanceTests(IlgpuCpuFixture fixture) : BackendConformanceTests(fixture);

[Collection(OnCpu.Name)]
public sealed class CpuConformanceTests(CpuFixture fixture) : BackendConformanceTests(fixture);

[Collection(OnCpu256.Name)]
public sealed class Cpu256ConformanceTests(Cpu256Fixture fixture) : BackendConformanceTests(fixture);

[Collection(OnCpu128.Name)]
public sealed class Cpu128ConformanceTests(Cpu128Fixture fixture) : BackendConformanceTests(fixture);

[Collection(OnCuda.Name)]
public sealed class CudaConformanceTests(CudaFixture fixture) : BackendConformanceTests(fixture);

[Collection(OnOpenCl.Name)]
public sealed class OpenClConformanceTests(OpenClFixture fixture) : BackendConformanceTests(fixture);
