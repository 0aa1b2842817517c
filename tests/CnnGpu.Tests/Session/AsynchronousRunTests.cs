using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime.Backends.Ilgpu;
using CnnGpu.Runtime.Backends.Reference;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Session;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Session;

/// <summary>
/// A run queues its uploads, every node's launch and its downloads without the host waiting in between, waits
/// once, and in steady state allocates nothing on the device: checked call by call on a probe backend, and on
/// the ILGPU backend through its own count of stream synchronisations and of device allocations.
/// </summary>
[Collection(OnIlgpuCpu.Name)]
public sealed class AsynchronousRunTests(IlgpuCpuFixture fixture)
{
    [Fact]
    public void A_run_waits_once_after_the_last_launch_and_never_between_nodes()
    {
        using var probe = new ProbeBackend();
        var graph = NetworkZoo.Build("resnet18", new NetworkOptions(32, Classes: 10));
        using var session = new InferenceSession(graph, new SessionOptions { SharedBackend = probe });
        var input = RandomData.Uniform(3, 0f, 1f, 2, 3, 32, 32);
        session.Run(input);
        int launches = session.PlanFor(2).Count(s => !s.Elided);

        for (int run = 0; run < 3; run++)
        {
            probe.Reset();
            session.Run(input);
            Assert.Equal("U" + new string('L', launches) + "SD", probe.Trace);
        }
    }

    [Fact]
    public void Profiling_waits_after_each_launch_to_time_it()
    {
        using var probe = new ProbeBackend();
        var graph = NetworkZoo.Build("resnet18", new NetworkOptions(32, Classes: 10));
        using var session = new InferenceSession(graph, new SessionOptions { SharedBackend = probe, Profiling = true });
        var input = RandomData.Uniform(3, 0f, 1f, 1, 3, 32, 32);
        session.Run(input);
        probe.Reset();
        session.Run(input);
        int launches = session.PlanFor(1).Count(s => !s.Elided);
        Assert.Equal("U" + string.Concat(Enumerable.Repeat("LS", launches)) + "SD", probe.Trace);
    }

    [SkippableFact]
    public void Steady_state_runs_on_ilgpu_wait_once_each_and_allocate_nothing_on_the_device()
    {
        var backend = (IlgpuBackend)fixture.Require();

        // Every kind of ILGPU node a network has: implicit-GEMM and 1×1 convolutions (forced: the simulator would
        // prefer the direct kernel), a fused residual, a depthwise convolution, pooling and a tiled FC layer.
        var b = new GraphBuilder("steady");
        int x = b.Input("x", 3, 12, 12);
        int c1 = b.Add("c1", OpKind.Conv2d, Conv2dAttrs.Square(3, 1, 1) with { Activation = FusedActivation.Relu }, [x, b.Constant("w1", RandomData.Weights(1, 16, 3, 3, 3)), b.Constant("b1", RandomData.Symmetric(2, 16))]);
        int c2 = b.Add("c2", OpKind.Conv2d, Conv2dAttrs.Square(1) with { Activation = FusedActivation.Relu, Residual = true }, [c1, b.Constant("w2", RandomData.Weights(3, 16, 16, 1, 1)), c1]);
        int dw = b.Add("dw", OpKind.Conv2d, Conv2dAttrs.Square(3, 2, 1) with { Groups = 16 }, [c2, b.Constant("w3", RandomData.Weights(4, 16, 1, 3, 3))]);
        int pool = b.Add("pool", OpKind.MaxPool, new MaxPoolAttrs(PoolWindow.Square(2, 2)), [dw]);
        b.Output(b.Add("fc", OpKind.FullyConnected, new FullyConnectedAttrs(), [b.Flatten("flat", pool), b.Constant("w4", RandomData.Weights(5, 10, 16 * 3 * 3))]));
        var graph = b.Build();
        using var session = new InferenceSession(graph, new SessionOptions
        {
            SharedBackend = backend,
            Algorithms = n => n.Name switch { "c1" => "conv/igemm", "c2" => "conv/gemm-1x1", "fc" => "gemm/tiled", _ => null },
        });
        var input = RandomData.Uniform(6, 0f, 1f, 8, 3, 12, 12);
        using var truth = new Executor(graph, new ReferenceBackend());
        var expected = truth.Run(input);

        // The first run at batch 8 builds and binds the plan (arena, packed filters, tables, staging).
        Tolerance.AssertClose(expected.Data, session.Run(input).Data, "batch 8, first run");
        Assert.Equal(["conv/igemm", "conv/gemm-1x1", "gemm/tiled"], session.PlanFor(8).Where(s => s.Name is "c1" or "c2" or "fc").Select(s => string.Join('/', s.Algorithm.Split('/', ' ')[..2])));

        long waits = backend.Synchronizations, allocations = backend.Allocations.TotalAllocations, bytes = backend.Allocations.Bytes;
        for (int run = 0; run < 3; run++)
        {
            Tolerance.AssertClose(expected.Data, session.Run(input).Data, $"batch 8, run {run + 2}");
        }

        Assert.Equal(3, backend.Synchronizations - waits);
        Assert.Equal(allocations, backend.Allocations.TotalAllocations);
        Assert.Equal(bytes, backend.Allocations.Bytes);
    }
}
