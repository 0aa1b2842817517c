using CnnGpu.Runtime.Backends.Ilgpu;
using CnnGpu.Runtime.Backends.Reference;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Kernels;

/// <summary>
/// Every algorithm of the ILGPU backend, forced, against the scalar reference over shapes that cross every tile
/// boundary of the tiled kernels (8T×8T tiles of C, K slices of T; T = 16 and 8 as on a GPU, simulated with
/// 256-thread groups, and T = 4 on the simulator's own 16-thread groups): output channels per group
/// below, at and past a tile (8, 16, 33, 130), reductions C/groups·R·S that leave a partial K slice (27, 72,
/// 153, 363), batch·output pixels that end in a partial column tile, strides 2 and 4, dilation 2, asymmetric
/// pads, groups 2 and 32, batch 1 and 3; plain, with ReLU, ReLU6 and a fused residual.
/// |a − e| ≤ 1e-5 + 1e-4·|e|. One subclass per accelerator; absent devices skip with the reason.
/// </summary>
public abstract class IlgpuKernelPathTests(BackendFixture fixture)
{
    private static readonly ReferenceBackend Truth = new();

    private static readonly string[] ImplicitGemmCases =
    [
        "n1 c3 13x27 f16 k3x3 s1x1 p1,1,1,1 d1x1 g1 bias",
        "n3 c17 11x13 f33 k3x3 s1x1 p1,1,1,1 d1x1 g1 nobias",
        "n2 c17 11x26 f40 k3x3 s2x2 p1,0,2,1 d1x1 g1 bias",
        "n1 c3 31x31 f20 k11x11 s4x4 p2,2,2,2 d1x1 g1 bias",
        "n3 c5 23x25 f16 k7x7 s4x4 p2,1,3,2 d2x1 g1 bias",
        "n2 c40 9x9 f33 k3x3 s1x1 p2,2,2,2 d2x2 g1 bias",
        "n3 c32 9x13 f32 k3x3 s1x1 p1,1,1,1 d1x1 g2 bias",
        "n1 c256 6x5 f256 k3x3 s1x1 p1,1,1,1 d1x1 g32 nobias",
        "n3 c16 5x7 f130 k3x3 s1x1 p1,0,0,1 d1x1 g1 bias",
        "n1 c9 37x41 f24 k5x5 s1x1 p2,2,2,2 d1x1 g1 bias",
        "n3 c7 9x9 f9 k1x1 s2x2 p0,0,0,0 d1x1 g1 bias",
    ];

    private static readonly string[] PointwiseCases =
    [
        "n1 c17 5x5 f33 k1x1 s1x1 p0,0,0,0 d1x1 g1 bias",
        "n3 c40 7x9 f16 k1x1 s1x1 p0,0,0,0 d1x1 g1 nobias",
        "n2 c64 1x1 f100 k1x1 s1x1 p0,0,0,0 d1x1 g1 bias",
        "n3 c32 9x9 f130 k1x1 s1x1 p0,0,0,0 d1x1 g2 bias",
        "n1 c33 13x13 f8 k1x1 s1x1 p0,0,0,0 d1x1 g1 bias",
    ];

    public static TheoryData<string, string> ConvPaths()
    {
        var data = new TheoryData<string, string>();
        foreach (string tile in new[] { "128x128", "64x64", "32x32" })
        {
            foreach (string spec in ImplicitGemmCases)
            {
                data.Add($"conv/igemm {tile}", spec);
            }

            foreach (string spec in PointwiseCases)
            {
                data.Add($"conv/gemm-1x1 {tile}", spec);
            }
        }

        data.Add("conv/direct", "n2 c12 8x8 f24 k3x3 s1x1 p1,1,1,1 d1x1 g4 bias");
        data.Add("conv/direct", "n3 c32 13x11 f32 k3x3 s2x2 p1,1,1,1 d1x1 g32 nobias");
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(ConvPaths))]
    public void Forced_convolution_algorithm_matches_reference(string algorithm, string spec)
    {
        var c = ConvCase.Parse(spec);
        // ReLU6 takes both of the epilogue's clamps (0 and 6), so plain ReLU adds nothing here.
        foreach (var activation in new[] { FusedActivation.None, FusedActivation.Relu6 })
        {
            // With ReLU6 the bias is shifted up so that part of the outputs clip at 6.
            var (graph, inputs) = KernelPathGraphs.Conv(c, activation, activation == FusedActivation.Relu6 ? RandomData.Uniform(3, 4f, 8f, c.Filters) : null);
            Check(graph, algorithm, inputs, $"{spec} {activation}");
        }
    }

    [SkippableTheory]
    [InlineData("conv/igemm 128x128", "n3 c17 11x13 f33 k3x3 s1x1 p1,1,1,1 d1x1 g1 bias")]
    [InlineData("conv/igemm 64x64", "n2 c32 9x7 f40 k3x3 s2x2 p1,1,1,1 d1x1 g2 nobias")]
    [InlineData("conv/gemm-1x1 128x128", "n2 c33 7x9 f40 k1x1 s1x1 p0,0,0,0 d1x1 g1 nobias")]
    [InlineData("conv/gemm-1x1 64x64", "n3 c16 5x5 f130 k1x1 s1x1 p0,0,0,0 d1x1 g1 bias")]
    [InlineData("conv/igemm 32x32", "n3 c17 11x13 f33 k3x3 s1x1 p1,1,1,1 d1x1 g1 bias")]
    [InlineData("conv/gemm-1x1 32x32", "n3 c16 5x5 f40 k1x1 s1x1 p0,0,0,0 d1x1 g1 bias")]
    [InlineData("conv/direct", "n2 c33 9x11 f33 k3x3 s2x2 p1,1,1,1 d1x1 g33 bias")]
    public void Forced_algorithm_adds_a_fused_residual(string algorithm, string spec)
    {
        var (graph, inputs) = KernelPathGraphs.ResidualConv(ConvCase.Parse(spec));
        Check(graph, algorithm, inputs, spec + " residual");
    }

    [SkippableTheory]
    [InlineData("gemm/tiled 128x128", 8, 17, 9, false)]
    [InlineData("gemm/tiled 128x128", 13, 300, 1000, true)]
    [InlineData("gemm/tiled 64x64", 33, 31, 130, false)]
    [InlineData("gemm/tiled 64x64", 130, 40, 65, true)]
    [InlineData("gemm/tiled 32x32", 13, 300, 100, true)]
    [InlineData("gemm/tiled 32x32", 40, 31, 33, false)]
    [InlineData("gemm/thin", 3, 25, 100, false)]
    public void Forced_fully_connected_algorithm_matches_reference(string algorithm, int batch, int inFeatures, int outFeatures, bool transposed)
    {
        foreach (bool relu in new[] { false, true })
        {
            var (graph, inputs) = KernelPathGraphs.FullyConnected(batch, inFeatures, outFeatures, transposed, relu);
            Check(graph, algorithm, inputs, $"fc {batch}x{inFeatures}->{outFeatures}");
        }
    }

    [SkippableFact]
    public void Plan_chooses_the_kernel_per_node_from_its_shape_and_the_device()
    {
        var backend = (IlgpuBackend)fixture.Require();
        var b = new GraphBuilder("choice");
        int x = b.Input("x", 32, 16, 16);
        int wide = b.Add("wide", OpKind.Conv2d, Conv2dAttrs.Square(3, 1, 1), [x, b.Constant("w0", RandomData.Symmetric(1, 96, 32, 3, 3))]);
        int body = b.Add("body", OpKind.Conv2d, Conv2dAttrs.Square(3, 1, 1), [wide, b.Constant("w1", RandomData.Symmetric(1, 32, 96, 3, 3))]);
        int squeeze = b.Add("squeeze", OpKind.Conv2d, Conv2dAttrs.Square(1), [body, b.Constant("w2", RandomData.Symmetric(2, 16, 32, 1, 1))]);
        int depthwise = b.Add("depthwise", OpKind.Conv2d, Conv2dAttrs.Square(3, 1, 1) with { Groups = 16 }, [squeeze, b.Constant("w3", RandomData.Symmetric(3, 16, 1, 3, 3))]);
        int narrow = b.Add("narrow", OpKind.Conv2d, Conv2dAttrs.Square(3, 1, 1) with { Groups = 4 }, [depthwise, b.Constant("w4", RandomData.Symmetric(4, 16, 4, 3, 3))]);
        b.Output(b.Add("fc", OpKind.FullyConnected, new FullyConnectedAttrs(false), [b.Flatten("flat", narrow), b.Constant("w5", RandomData.Symmetric(5, 10, 16 * 16 * 16))]));
        var graph = b.Build();

        using var unforced = new Executor(graph, backend);
        var steps = unforced.StepsFor(1).ToDictionary(s => s.Name, s => s.Algorithm, StringComparer.Ordinal);
        bool simulator = backend.Device.Kind == Runtime.Backends.DeviceKind.IlgpuCpu;

        // On a GPU the tiles; the CPU simulator pays an OS barrier per K slice and prefers one thread per output.
        Assert.StartsWith(simulator ? "conv/direct" : "conv/igemm ", steps["body"], StringComparison.Ordinal);
        Assert.StartsWith(simulator ? "conv/direct" : "conv/gemm-1x1 ", steps["squeeze"], StringComparison.Ordinal);
        Assert.Equal("conv/direct", steps["depthwise"]);
        Assert.Equal("conv/direct", steps["narrow"]);      // 4 output channels per group: a tile row would be mostly padding
        Assert.Equal("gemm/thin", steps["fc"]);            // one row at batch 1
        Assert.StartsWith("gemm/tiled ", unforced.StepsFor(16).Single(s => s.Name == "fc").Algorithm, StringComparison.Ordinal);

        // The tile size follows the product: 96 output channels fill a 128-row tile, 32 only a 64-row one.
        using var forced = new Executor(graph, backend, algorithms: n => n.Name is "wide" or "body" ? "conv/igemm" : null);
        var tiles = forced.StepsFor(1).ToDictionary(s => s.Name, s => s.Algorithm, StringComparer.Ordinal);
        int largest = backend.TileSides[0], smallest = backend.TileSides[^1];
        Assert.Equal($"conv/igemm {8 * largest}x{8 * largest}", tiles["wide"]);
        Assert.Equal($"conv/igemm {8 * smallest}x{8 * smallest}", tiles["body"]);
    }

    [SkippableTheory]
    [InlineData("mobilenet-v2", 32)]
    public void A_network_with_every_convolution_it_can_tile_tiled_matches_reference(string network, int size)
    {
        // The zoo's end-to-end tests run the simulator's own choice (the direct kernel); here every convolution
        // the tiles can take is forced onto them: the strided stem, 1×1 expansions and projections, residual sums,
        // ReLU6 (ResNet-50 passes too, but takes 1–2 minutes on the simulator).
        var backend = (IlgpuBackend)fixture.Require();
        var graph = ZooCases.Logits(Networks.Zoo.NetworkZoo.Build(network, new Networks.Zoo.NetworkOptions(size, Classes: 10)));
        var input = RandomData.Uniform(9, 0f, 1f, 1, 3, size, size);
        using var expected = new Executor(graph, Truth);
        using var actual = new Executor(graph, backend, algorithms: Tiled);
        var steps = actual.StepsFor(1);
        Assert.Contains(steps, s => s.Algorithm.StartsWith("conv/igemm", StringComparison.Ordinal));
        Assert.Contains(steps, s => s.Algorithm.StartsWith("conv/gemm-1x1", StringComparison.Ordinal));
        Tolerance.AssertClose(expected.Run(input).Data, actual.Run(input).Data, $"{network} at {size}x{size}, tiles forced, on {backend.Name}");

        static string? Tiled(Node n) => n.Attributes switch
        {
            Conv2dAttrs { Groups: > 1 } => null,
            Conv2dAttrs { KernelH: 1, KernelW: 1, StrideH: 1, StrideW: 1, Pads: { Top: 0, Left: 0, Bottom: 0, Right: 0 } } => "conv/gemm-1x1",
            Conv2dAttrs => "conv/igemm",
            _ => null,
        };
    }

    private void Check(ComputeGraph graph, string algorithm, Tensor[] inputs, string context)
    {
        var backend = (IlgpuBackend)fixture.Require();
        string? tile = algorithm.Split(' ').ElementAtOrDefault(1);
        Skip.If(tile is not null && !backend.TileSides.Any(t => tile == $"{8 * t}x{8 * t}"), $"{backend.DeviceName} runs no {tile} tiles (its groups are too small)");
        using var expected = new Executor(graph, Truth);
        using var actual = new Executor(graph, backend, algorithms: n => n.Kind is OpKind.Conv2d or OpKind.FullyConnected ? algorithm : null);
        var steps = actual.StepsFor(inputs[0].Shape[0]);
        Assert.Contains(steps, s => s.Algorithm.StartsWith(algorithm, StringComparison.Ordinal));
        Tolerance.AssertClose(expected.RunAll(inputs)[0].Data, actual.RunAll(inputs)[0].Data, $"{algorithm} [{context}] on {backend.Name}");
    }
}

[Collection(OnIlgpuCpu.Name)]
public sealed class IlgpuCpuKernelPathTests(IlgpuCpuFixture fixture) : IlgpuKernelPathTests(fixture);

[Collection(OnIlgpuCpu256.Name)]
public sealed class IlgpuCpu256KernelPathTests(IlgpuCpu256Fixture fixture) : IlgpuKernelPathTests(fixture);

[Collection(OnCuda.Name)]
public sealed class CudaKernelPathTests(CudaFixture fixture) : IlgpuKernelPathTests(fixture);
