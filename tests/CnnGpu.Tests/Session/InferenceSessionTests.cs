using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime;
using CnnGpu.Runtime.Backends.Reference;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Session;
using CnnGpu.Runtime.Tensors;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Session;

[Collection(OnIlgpuCpu.Name)]
public sealed class InferenceSessionTests(IlgpuCpuFixture fixture)
{
    [Fact]
    public void Eight_threads_times_200_runs_are_bit_identical_to_sequential_runs()
    {
        using var backend = new ReferenceBackend();
        using var session = new InferenceSession(TinyNet.Build(), new SessionOptions { SharedBackend = backend, MaxBatch = 3 });
        var inputs = Enumerable.Range(0, 8).Select(i => RandomData.Uniform(100 + i, 0f, 1f, 1 + (i % 3), 3, 32, 32)).ToArray();
        var expected = inputs.Select(x => session.Run(x).Data).ToArray();

        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            for (int r = 0; r < 200; r++)
            {
                int which = (t + r) % inputs.Length;
                var actual = session.Run(inputs[which]).Data;
                if (!actual.AsSpan().SequenceEqual(expected[which]))
                {
                    failures.Add($"thread {t} run {r} input {which}");
                }
            }
        })).ToList();
        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());
        Assert.Empty(failures);
    }

    [SkippableFact]
    public void Concurrent_runs_on_the_ilgpu_accelerator_match_sequential_runs()
    {
        var backend = fixture.Require();
        using var session = new InferenceSession(TinyNet.Build(), new SessionOptions { SharedBackend = backend, MaxBatch = 2 });
        var input = RandomData.Uniform(5, 0f, 1f, 2, 3, 32, 32);
        var expected = session.Run(input).Data;
        var results = new float[4][][];
        Parallel.For(0, 4, t => results[t] = [.. Enumerable.Range(0, 10).Select(_ => session.Run(input).Data)]);
        Assert.All(results.SelectMany(r => r), actual => Assert.Equal(expected, actual));
    }

    [SkippableFact]
    public void Sessions_sharing_one_accelerator_can_run_from_different_threads()
    {
        var backend = fixture.Require();
        using var first = new InferenceSession(TinyNet.Build(seed: 1), new SessionOptions { SharedBackend = backend, MaxBatch = 1 });
        using var second = new InferenceSession(TinyNet.Build(seed: 2), new SessionOptions { SharedBackend = backend, MaxBatch = 1 });
        var input = RandomData.Uniform(8, 0f, 1f, 1, 3, 32, 32);
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

    [SkippableFact]
    public void Fifty_create_dispose_cycles_leave_device_memory_where_it_started()
    {
        var backend = fixture.Require();
        long bytes = backend.Allocations.Bytes, buffers = backend.Allocations.Buffers;
        var graph = TinyNet.Build();
        // One leaked buffer per cycle would already show; 50 cycles also catch slower drifts (the soak run in perf/ does 1,000).
        for (int i = 0; i < 50; i++)
        {
            using var session = new InferenceSession(graph, new SessionOptions { SharedBackend = backend, MaxBatch = 2 });
            Assert.True(backend.Allocations.Bytes > bytes, "a live session holds device memory");
        }

        Assert.Equal(bytes, backend.Allocations.Bytes);
        Assert.Equal(buffers, backend.Allocations.Buffers);
    }

    [Fact]
    public void Owned_backend_is_released_and_counters_return_to_zero_per_run_size()
    {
        using var backend = new ReferenceBackend();
        using (var session = new InferenceSession(TinyNet.Build(), new SessionOptions { SharedBackend = backend, MaxBatch = 4 }))
        {
            session.Run(RandomData.Uniform(1, 0f, 1f, 4, 3, 32, 32));
            session.Run(RandomData.Uniform(1, 0f, 1f, 2, 3, 32, 32));
            Assert.True(backend.Allocations.Buffers > 0);
        }

        Assert.Equal(0, backend.Allocations.Bytes);
        Assert.Equal(0, backend.Allocations.Buffers);
    }

    [Fact]
    public void Session_output_matches_the_unoptimised_graph()
    {
        using var backend = new ReferenceBackend();
        var graph = TinyNet.Build();
        var input = RandomData.Uniform(9, 0f, 1f, 3, 3, 32, 32);
        using var plain = new Executor(graph, backend, Runtime.Planning.MemoryPlanOptions.Default with { InPlaceKinds = new HashSet<OpKind>() });
        using var session = new InferenceSession(graph, new SessionOptions { SharedBackend = backend, MaxBatch = 3 });
        Tolerance.AssertClose(plain.Run(input).Data, session.Run(input).Data, "optimised session vs plain executor", 1e-6f, 1e-5f);
        Assert.True(session.Graph.Nodes.Length < graph.Nodes.Length, "passes removed nodes");
    }

    [Fact]
    public void Batch_above_the_limit_names_both_numbers()
    {
        using var session = new InferenceSession(TinyNet.Build(), new SessionOptions { Backend = "reference", MaxBatch = 2 });
        var e = Assert.Throws<ShapeMismatchException>(() => session.Run(new Tensor(new TensorShape(3, 3, 32, 32))));
        Assert.Contains("batch 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("max batch 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Span_api_takes_contiguous_items()
    {
        using var session = new InferenceSession(TinyNet.Build(), new SessionOptions { Backend = "reference", MaxBatch = 2 });
        var input = RandomData.Uniform(3, 0f, 1f, 2, 3, 32, 32);
        Assert.Equal(session.Run(input).Data, session.Run(input.Data.AsMemory(), 2).Data);
    }

    [Fact]
    public async Task RunAsync_gives_the_same_result_and_honours_cancellation()
    {
        using var session = new InferenceSession(TinyNet.Build(), new SessionOptions { Backend = "reference", MaxBatch = 1 });
        var input = RandomData.Uniform(4, 0f, 1f, 1, 3, 32, 32);
        Assert.Equal(session.Run(input).Data, (await session.RunAsync(input)).Data);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.RunAsync(input, cancelled.Token));
        Assert.Equal(session.Run(input).Data, (await session.RunAsync(input)).Data);
    }

    [Fact]
    public void Profiling_times_every_launched_node()
    {
        using var session = new InferenceSession(TinyNet.Build(), new SessionOptions { Backend = "reference", Profiling = true });
        session.Run(RandomData.Uniform(4, 0f, 1f, 1, 3, 32, 32));
        session.Run(RandomData.Uniform(5, 0f, 1f, 1, 3, 32, 32));
        var profile = session.Profile!;
        var launched = session.Graph.Nodes.Where(n => n.Kind is not (OpKind.Flatten or OpKind.Dropout or OpKind.Identity)).Select(n => n.Name);
        Assert.Subset(profile.Select(p => p.Name).ToHashSet(), launched.ToHashSet());
        Assert.All(profile, p => Assert.Equal(2, p.Calls));
        Assert.Contains(profile, p => p.Kind == OpKind.Conv2d && p.Total > TimeSpan.Zero);
    }

    [Fact]
    public void Without_profiling_there_is_no_profile()
    {
        using var session = new InferenceSession(TinyNet.Build(), new SessionOptions { Backend = "reference" });
        Assert.Null(session.Profile);
    }

    [Fact]
    public void Se_gate_runs_without_a_host_round_trip()
    {
        using var counting = new ProbeBackend();
        using var session = new InferenceSession(NetworkZoo.Build("se-resnet50", new NetworkOptions(32, Classes: 10)), new SessionOptions { SharedBackend = counting, MaxBatch = 1 });
        counting.Reset();
        session.Run(RandomData.Uniform(6, 0f, 1f, 1, 3, 32, 32));
        Assert.Equal(1, counting.Downloads);
        Assert.Equal(1, counting.Uploads);
        Assert.True(counting.Launches > 100);
    }

    [Fact]
    public void Elided_reshapes_launch_nothing()
    {
        using var backend = new ReferenceBackend();
        using var executor = new Executor(TinyNet.Build(), backend);
        int withoutCopies = TinyNet.Build().Nodes.Count(n => n.Kind is not (OpKind.Flatten or OpKind.Dropout));
        Assert.Equal(withoutCopies, executor.LaunchCountFor(1));
    }
}
