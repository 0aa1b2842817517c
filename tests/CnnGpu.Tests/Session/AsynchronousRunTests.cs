using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime.Backends.Ilgpu;
using CnnGpu.Runtime.Backends.Reference;
using CnnGpu.Runtime.Execution;
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
        var graph = NetworkZoo.Build("resnet18", new NetworkOptions(32, Classes: 10));
        // The tiled convolutions forced (the simulator would prefer the direct kernel), so the tiles' buffers are in play.
        using var session = new InferenceSession(graph, new SessionOptions { SharedBackend = backend, Algorithms = n => n.Kind == Runtime.Graph.OpKind.Conv2d && n.Attributes is Runtime.Graph.Conv2dAttrs { Groups: 1 } ? "conv/igemm" : null });
        var input = RandomData.Uniform(4, 0f, 1f, 8, 3, 32, 32);
        using var truth = new Executor(graph, new ReferenceBackend());
        var expected = truth.Run(input);

        // The first run at batch 8 builds and binds the plan (arena, packed filters, staging).
        Tolerance.AssertClose(expected.Data, session.Run(input).Data, "resnet18 at 32x32, batch 8, first run");
        Assert.Contains(session.PlanFor(8), s => s.Algorithm.StartsWith("conv/igemm", StringComparison.Ordinal));

        long waits = backend.Synchronizations, allocations = backend.Allocations.TotalAllocations, bytes = backend.Allocations.Bytes;
        for (int run = 0; run < 3; run++)
        {
            Tolerance.AssertClose(expected.Data, session.Run(input).Data, $"resnet18 at 32x32, batch 8, run {run + 2}");
        }

        Assert.Equal(3, backend.Synchronizations - waits);
        Assert.Equal(allocations, backend.Allocations.TotalAllocations);
        Assert.Equal(bytes, backend.Allocations.Bytes);
    }
}
