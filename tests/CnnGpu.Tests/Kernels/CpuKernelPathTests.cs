using CnnGpu.Kernels.Simd;
using CnnGpu.Runtime.Backends;
using CnnGpu.Runtime.Backends.Reference;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Kernels;

/// <summary>
/// Every algorithm of the SIMD CPU backend, forced, against the scalar reference over shapes that cross each
/// blocking boundary: channel counts below, at and past the vector width (3, 5, 17, 31, 33, 40), output rows
/// that leave a tail after whole register tiles (widths 1 … 27 against tiles of 12 or 6 pixels), strides with
/// and without an instantiated tile (1, 2, 4 and 3), padding on each side, dilation, groups, odd batch
/// sizes, and partial output blocks; at every vector width (512, 256, 128 bits). |a − e| ≤ 1e-5 + 1e-4·|e|.
/// </summary>
public abstract class CpuKernelPathTests(BackendFixture fixture)
{
    private static readonly ReferenceBackend Truth = new();

    public static TheoryData<string, string> ConvPaths()
    {
        var data = new TheoryData<string, string>();
        foreach (string spec in DirectCases)
        {
            data.Add("conv/direct", spec);
        }

        foreach (string spec in DirectCases.Where(s => s.Contains(" c3 ", StringComparison.Ordinal) || s.Contains(" c5 ", StringComparison.Ordinal) || s.Contains("g1 ", StringComparison.Ordinal)))
        {
            data.Add("conv/nchw-direct", spec);
        }

        foreach (string spec in PointwiseCases)
        {
            data.Add("conv/pointwise", spec);
            data.Add("conv/direct", spec);
        }

        foreach (string spec in WinogradCases)
        {
            data.Add("conv/winograd-4x4", spec);
        }

        foreach (string spec in DepthwiseCases)
        {
            data.Add("conv/depthwise", spec);
        }

        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(ConvPaths))]
    public void Forced_convolution_algorithm_matches_reference(string algorithm, string spec)
    {
        var c = ConvCase.Parse(spec);
        foreach (bool relu in new[] { false, true })
        {
            var (graph, inputs) = KernelPathGraphs.Conv(c, relu ? FusedActivation.Relu : FusedActivation.None);
            Check(graph, algorithm, inputs, $"{spec}{(relu ? " relu" : string.Empty)}");
        }
    }

    [SkippableTheory]
    [InlineData("conv/direct", "n3 c17 11x13 f33 k3x3 s1x1 p1,1,1,1 d1x1 g1 bias")]
    [InlineData("conv/pointwise", "n2 c33 7x9 f40 k1x1 s1x1 p0,0,0,0 d1x1 g1 nobias")]
    [InlineData("conv/winograd-4x4", "n3 c17 13x11 f33 k3x3 s1x1 p1,1,1,1 d1x1 g1 bias")]
    [InlineData("conv/depthwise", "n2 c33 9x11 f33 k3x3 s2x2 p1,1,1,1 d1x1 g33 bias")]
    public void Forced_algorithm_adds_a_fused_residual(string algorithm, string spec)
    {
        var (graph, inputs) = KernelPathGraphs.ResidualConv(ConvCase.Parse(spec));
        Check(graph, algorithm, inputs, spec + " residual");
    }

    [SkippableTheory]
    [InlineData(1, 25088, 100, false)]     // a VGG-sized row against a partial last block of outputs
    [InlineData(1, 31, 16, false)]
    [InlineData(2, 33, 17, true)]
    [InlineData(7, 40, 33, false)]
    [InlineData(13, 17, 1000, true)]        // more rows than one register tile, and ImageNet's 1000 classes
    [InlineData(6, 5, 3, false)]
    public void Fully_connected_matches_reference(int batch, int inFeatures, int outFeatures, bool transposed)
    {
        foreach (bool relu in new[] { false, true })
        {
            var (graph, inputs) = KernelPathGraphs.FullyConnected(batch, inFeatures, outFeatures, transposed, relu);
            Check(graph, "gemm/packed", inputs, $"fc {batch}x{inFeatures}->{outFeatures}");
        }
    }

    [SkippableTheory]
    [InlineData(3, 33, 9, 7)]
    [InlineData(1, 17, 4, 4)]
    [InlineData(2, 40, 1, 1)]
    public void Blocked_layouts_convert_both_ways_and_flatten_in_nchw_order(int n, int c, int h, int w)
    {
        // conv (writes blocked) → flatten (blocked → NCHW rows): the flattened order must be NCHW's.
        var b = new GraphBuilder("flatten");
        int x = b.Input("x", c, h, w);
        int y = b.Add("conv", OpKind.Conv2d, Conv2dAttrs.Square(1), [x, b.Constant("w", RandomData.Symmetric(8, c, c, 1, 1))]);
        b.Output(b.Flatten("flat", y));
        Check(b.Build(), null, [RandomData.Symmetric(9, n, c, h, w)], $"flatten {n}x{c}x{h}x{w}");
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void Concatenated_convolutions_write_straight_into_their_slices(bool branchReadTwice)
    {
        // Inception-like: three branches concatenated, then a layer that reads the result. When a branch is also
        // read elsewhere it cannot live inside the concat's output, so the concat copies instead.
        var backend = fixture.Require();
        int width = ((Runtime.Backends.Cpu.CpuBackend)backend).VectorFloats;
        var b = new GraphBuilder("inception");
        int x = b.Input("x", 19, 9, 11);
        int Branch(string name, int channels, int kernel, int seed) =>
            b.Add(name, OpKind.Conv2d, Conv2dAttrs.Square(kernel, 1, kernel / 2) with { Activation = FusedActivation.Relu }, [x, b.Constant(name + ".w", RandomData.Weights(seed, channels, 19, kernel, kernel)), b.Constant(name + ".b", RandomData.Symmetric(seed + 1, channels))]);
        int a = Branch("a", 2 * width, 1, 10), c = Branch("c", width, 3, 20), d = Branch("d", 17, 5, 30);
        int cat = b.Add("cat", OpKind.Concat, NoAttrs.Instance, [a, c, d]);
        int y = b.Add("head", OpKind.Conv2d, Conv2dAttrs.Square(1), [cat, b.Constant("head.w", RandomData.Weights(40, 8, (3 * width) + 17, 1, 1))]);
        if (branchReadTwice)
        {
            y = b.Add("sum", OpKind.Add, NoAttrs.Instance, [y, b.Add("side", OpKind.Conv2d, Conv2dAttrs.Square(1), [c, b.Constant("side.w", RandomData.Weights(50, 8, width, 1, 1))])]);
        }

        b.Output(y);
        var graph = b.Build();
        using var executor = new Executor(graph, backend);
        var concat = executor.StepsFor(3).Single(s => s.Name == "cat");
        Assert.Equal(!branchReadTwice, concat.Elided);
        Check(graph, null, [RandomData.Symmetric(60, 3, 19, 9, 11)], $"inception, branch read twice: {branchReadTwice}");
    }

    [SkippableFact]
    public void Plan_reports_each_algorithm_and_the_blocked_layout()
    {
        var backend = fixture.Require();
        var b = new GraphBuilder("plan");
        int x = b.Input("x", 3, 32, 32);
        int c1 = b.Add("stem", OpKind.Conv2d, Conv2dAttrs.Square(3, 1, 1), [x, b.Constant("w1", RandomData.Symmetric(1, 32, 3, 3, 3))]);
        int c2 = b.Add("body", OpKind.Conv2d, Conv2dAttrs.Square(3, 1, 1), [c1, b.Constant("w2", RandomData.Symmetric(2, 32, 32, 3, 3))]);
        int c3 = b.Add("squeeze", OpKind.Conv2d, Conv2dAttrs.Square(1), [c2, b.Constant("w3", RandomData.Symmetric(3, 16, 32, 1, 1))]);
        b.Output(b.Flatten("flat", c3));
        using var executor = new Executor(b.Build(), backend);
        var steps = executor.StepsFor(4).ToDictionary(s => s.Name, StringComparer.Ordinal);
        int width = ((Runtime.Backends.Cpu.CpuBackend)backend).VectorFloats;
        Assert.StartsWith("conv/nchw-direct", steps["stem"].Algorithm, StringComparison.Ordinal);
        Assert.StartsWith("conv/winograd-4x4", steps["body"].Algorithm, StringComparison.Ordinal);
        Assert.StartsWith("conv/pointwise", steps["squeeze"].Algorithm, StringComparison.Ordinal);
        Assert.Equal(TensorLayout.ChannelBlocked(width), steps["body"].OutputLayout);
        Assert.Equal(TensorLayout.Nchw, steps["flat"].OutputLayout);
    }

    [SkippableFact]
    public void An_algorithm_that_cannot_run_the_node_is_refused_naming_it()
    {
        var backend = fixture.Require();
        var b = new GraphBuilder("refuse");
        int x = b.Input("x", 16, 9, 9);
        b.Output(b.Add("strided", OpKind.Conv2d, Conv2dAttrs.Square(3, 2, 1), [x, b.Constant("w", RandomData.Symmetric(1, 16, 16, 3, 3))]));
        using var executor = new Executor(b.Build(), backend, algorithms: _ => "conv/winograd");
        var e = Assert.Throws<UnsupportedNodeException>(() => executor.Run(RandomData.Symmetric(2, 1, 16, 9, 9)));
        Assert.Contains("'strided'", e.Message, StringComparison.Ordinal);
        Assert.Contains("conv/winograd", e.Message, StringComparison.Ordinal);
    }

    private static IEnumerable<string> DirectCases =>
    [
        "n1 c3 13x27 f16 k3x3 s1x1 p1,1,1,1 d1x1 g1 bias",
        "n3 c5 9x25 f33 k3x3 s1x1 p0,0,0,0 d1x1 g1 nobias",
        "n2 c17 11x26 f40 k3x3 s2x2 p1,0,2,1 d1x1 g1 bias",
        "n1 c33 15x15 f7 k5x5 s1x1 p2,2,2,2 d1x1 g1 bias",
        "n3 c31 19x19 f17 k7x7 s2x2 p3,3,3,3 d1x1 g1 nobias",
        "n1 c3 31x31 f20 k11x11 s4x4 p2,2,2,2 d1x1 g1 bias",
        "n2 c17 14x14 f16 k3x3 s3x3 p1,1,1,1 d1x1 g1 bias",
        "n1 c16 13x1 f16 k3x3 s1x1 p1,1,1,1 d1x1 g1 bias",
        "n2 c40 9x9 f33 k3x3 s1x1 p2,2,2,2 d2x2 g1 bias",
        "n1 c32 9x13 f32 k3x3 s1x1 p1,1,1,1 d1x1 g2 bias",
        "n3 c48 7x7 f96 k5x5 s1x1 p2,2,2,2 d1x1 g2 nobias",
        "n2 c12 8x8 f24 k3x3 s1x1 p1,1,1,1 d1x1 g4 bias",
        "n1 c17 5x5 f17 k3x3 s1x1 p3,3,3,3 d1x1 g1 bias",
        "n1 c5 5x5 f5 k5x5 s1x1 p0,0,0,0 d1x1 g1 bias",
    ];

    private static IEnumerable<string> PointwiseCases =>
    [
        "n1 c17 5x5 f33 k1x1 s1x1 p0,0,0,0 d1x1 g1 bias",
        "n3 c40 7x9 f16 k1x1 s1x1 p0,0,0,0 d1x1 g1 nobias",
        "n2 c64 1x1 f100 k1x1 s1x1 p0,0,0,0 d1x1 g1 bias",
        "n1 c33 13x13 f7 k1x1 s1x1 p0,0,0,0 d1x1 g1 bias",
    ];

    private static IEnumerable<string> WinogradCases =>
    [
        "n1 c17 13x13 f33 k3x3 s1x1 p1,1,1,1 d1x1 g1 bias",
        "n3 c32 8x8 f32 k3x3 s1x1 p1,1,1,1 d1x1 g1 nobias",
        "n2 c40 9x14 f17 k3x3 s1x1 p0,0,0,0 d1x1 g1 bias",
        "n1 c5 6x6 f5 k3x3 s1x1 p2,1,0,2 d1x1 g1 bias",
        "n2 c64 28x28 f64 k3x3 s1x1 p1,1,1,1 d1x1 g1 bias",
        "n1 c3 3x3 f3 k3x3 s1x1 p1,1,1,1 d1x1 g1 bias",
    ];

    private static IEnumerable<string> DepthwiseCases =>
    [
        "n1 c17 9x9 f17 k3x3 s1x1 p1,1,1,1 d1x1 g17 bias",
        "n3 c32 13x11 f32 k3x3 s2x2 p1,1,1,1 d1x1 g32 nobias",
        "n2 c40 7x7 f40 k5x5 s1x1 p2,2,2,2 d2x2 g40 bias",
    ];

    private void Check(ComputeGraph graph, string? algorithm, Tensor[] inputs, string context)
    {
        var backend = fixture.Require();
        using var expected = new Executor(graph, Truth);
        using var actual = new Executor(graph, backend, algorithms: n => n.Kind is OpKind.Conv2d or OpKind.FullyConnected ? algorithm : null);
        var steps = actual.StepsFor(inputs[0].Shape[0]);
        if (algorithm is not null)
        {
            Assert.Contains(steps, s => s.Algorithm.StartsWith(algorithm, StringComparison.Ordinal));
        }

        Tolerance.AssertClose(expected.RunAll(inputs)[0].Data, actual.RunAll(inputs)[0].Data, $"{algorithm ?? "default"} [{context}] on {backend.Name} ({SimdCapabilities.Describe(((Runtime.Backends.Cpu.CpuBackend)backend).Width)})");
    }
}

[Collection(OnCpu.Name)]
public sealed class WidestCpuKernelPathTests(CpuFixture fixture) : CpuKernelPathTests(fixture);

[Collection(OnCpu256.Name)]
public sealed class CpuKernelPathTests256(Cpu256Fixture fixture) : CpuKernelPathTests(fixture);

[Collection(OnCpu128.Name)]
public sealed class CpuKernelPathTests128(Cpu128Fixture fixture) : CpuKernelPathTests(fixture);
