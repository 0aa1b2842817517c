using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime.Backends;
using CnnGpu.Runtime.Backends.Cpu;
using CnnGpu.Runtime.Backends.Reference;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Session;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Session;

/// <summary>Sessions on the SIMD CPU backend: its worker pool under concurrent callers, its thread count, and its memory.</summary>
[Collection(OnCpu.Name)]
public sealed class CpuSessionTests(CpuFixture fixture)
{
    [SkippableFact]
    public void Concurrent_callers_of_one_session_get_the_sequential_results()
    {
        var backend = fixture.Require();
        using var session = new InferenceSession(TinyNet.Build(), new SessionOptions { SharedBackend = backend, MaxBatch = 3 });
        var inputs = Enumerable.Range(0, 4).Select(i => RandomData.Uniform(40 + i, 0f, 1f, 1 + (i % 3), 3, 32, 32)).ToArray();
        var expected = inputs.Select(x => session.Run(x).Data).ToArray();
        var results = new float[8][][];
        Parallel.For(0, 8, t => results[t] = [.. Enumerable.Range(0, 20).Select(r => session.Run(inputs[(t + r) % inputs.Length]).Data)]);
        for (int t = 0; t < 8; t++)
        {
            for (int r = 0; r < 20; r++)
            {
                Assert.Equal(expected[(t + r) % inputs.Length], results[t][r]);
            }
        }
    }

    [SkippableFact]
    public void Two_sessions_on_one_backend_interleave_from_different_threads()
    {
        var backend = fixture.Require();
        using var first = new InferenceSession(TinyNet.Build(seed: 1), new SessionOptions { SharedBackend = backend, MaxBatch = 1 });
        using var second = new InferenceSession(TinyNet.Build(seed: 2), new SessionOptions { SharedBackend = backend, MaxBatch = 1 });
        var input = RandomData.Uniform(41, 0f, 1f, 1, 3, 32, 32);
        var expected = new[] { first.Run(input).Data, second.Run(input).Data };
        Assert.NotEqual(expected[0], expected[1]);
        var sessions = new[] { first, second };
        var results = new float[4][][];
        Parallel.For(0, 4, t => results[t] = [.. Enumerable.Range(0, 10).Select(_ => sessions[t % 2].Run(input).Data)]);
        for (int t = 0; t < 4; t++)
        {
            Assert.All(results[t], actual => Assert.Equal(expected[t % 2], actual));
        }
    }

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(3)]
    public void Any_thread_count_gives_the_reference_result(int threads)
    {
        fixture.Require();
        var graph = NetworkZoo.Build("resnet18", new NetworkOptions(32, Classes: 10));
        var input = RandomData.Uniform(42, 0f, 1f, 2, 3, 32, 32);
        using var reference = new Executor(graph, new ReferenceBackend());
        using var session = new InferenceSession(graph, new SessionOptions { Backend = "cpu", Threads = threads, MaxBatch = 2 });
        Tolerance.AssertClose(reference.Run(input).Data, session.Run(input).Data, $"resnet18 on cpu, {threads} thread(s)");
    }

    [SkippableFact]
    public void Sessions_created_and_disposed_leave_the_backend_holding_nothing_new()
    {
        var backend = fixture.Require();
        long bytes = backend.Allocations.Bytes, buffers = backend.Allocations.Buffers;
        var graph = TinyNet.Build();
        for (int i = 0; i < 50; i++)
        {
            using var session = new InferenceSession(graph, new SessionOptions { SharedBackend = backend, MaxBatch = 2 });
            session.Run(RandomData.Uniform(43, 0f, 1f, 2, 3, 32, 32));
            Assert.True(backend.Allocations.Bytes > bytes, "a live session holds memory");
        }

        Assert.Equal(bytes, backend.Allocations.Bytes);
        Assert.Equal(buffers, backend.Allocations.Buffers);
    }

    [Fact]
    public void A_backend_opened_with_one_thread_runs_and_disposes()
    {
        using var backend = (CpuBackend)BackendFactory.Open("cpu", new BackendOptions { Threads = 1 });
        using var session = new InferenceSession(TinyNet.Build(), new SessionOptions { SharedBackend = backend });
        Assert.Equal(1, backend.Threads);
        Assert.Equal(new Runtime.Tensors.TensorShape(1, 10), session.Run(RandomData.Uniform(44, 0f, 1f, 1, 3, 32, 32)).Shape);
    }
}
