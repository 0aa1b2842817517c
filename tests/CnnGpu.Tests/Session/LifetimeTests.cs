using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime;
using CnnGpu.Runtime.Backends;
using CnnGpu.Runtime.Backends.Ilgpu;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Passes;
using CnnGpu.Runtime.Session;
using CnnGpu.Runtime.Tensors;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Session;

/// <summary>
/// Lifetimes and concurrency of executors, sessions and backends: sharing a backend serialises every
/// touch of it, failures and disposal release what was taken, cached plans are bounded and trimmable,
/// a cancelled run leaves the session correct, and device runtime errors arrive typed.
/// </summary>
[Collection(OnIlgpuCpu.Name)]
public sealed class LifetimeTests(IlgpuCpuFixture fixture)
{
    private static readonly Tensor Input = RandomData.Uniform(21, 0f, 1f, 1, 3, 32, 32);

    [Fact]
    public void Two_executors_on_one_backend_take_turns()
    {
        using var backend = new ProbeBackend();
        using var first = new Executor(TinyNet.Build(seed: 1), backend);
        using var second = new Executor(TinyNet.Build(seed: 2), backend);
        float[][] expected = [first.Run(Input).Data, second.Run(Input).Data];
        var executors = new[] { first, second };
        var results = new float[4][][];
        Parallel.For(0, 4, t => results[t] = [.. Enumerable.Range(0, 15).Select(_ => executors[t % 2].Run(Input).Data)]);

        Assert.Equal(1, backend.MaxConcurrent);
        for (int t = 0; t < 4; t++)
        {
            Assert.All(results[t], actual => Assert.Equal(expected[t % 2], actual));
        }
    }

    [Fact]
    public async Task Creating_sessions_on_a_shared_backend_does_not_interleave_with_runs()
    {
        using var backend = new ProbeBackend();
        using var running = new InferenceSession(TinyNet.Build(seed: 3), new SessionOptions { SharedBackend = backend, MaxBatch = 1 });
        var expected = running.Run(Input).Data;
        using var stop = new CancellationTokenSource();
        var runs = Task.Run(() =>
        {
            int n = 0;
            while (!stop.IsCancellationRequested)
            {
                Assert.Equal(expected, running.Run(Input).Data);
                n++;
            }

            return n;
        });

        for (int i = 0; i < 10; i++)
        {
            // Weight uploads, plan building and the warm-up of each new session.
            using var created = new InferenceSession(TinyNet.Build(seed: 10 + i), new SessionOptions { SharedBackend = backend, MaxBatch = 2 });
        }

        stop.Cancel();
        Assert.True(await runs > 0, "the running session ran");
        Assert.Equal(1, backend.MaxConcurrent);
    }

    [Fact]
    public void A_session_whose_creation_fails_on_a_shared_backend_releases_every_buffer()
    {
        var graph = TinyNet.Build();
        string last = GraphOptimizer.Optimize(graph).Nodes[^1].Name;
        using var backend = new ProbeBackend { FailPreparing = last };
        var e = Assert.Throws<CnnGpuException>(() => new InferenceSession(graph, new SessionOptions { SharedBackend = backend }));
        Assert.Contains(last, e.Message, StringComparison.Ordinal);
        Assert.Equal(0, backend.Allocations.Buffers);
        Assert.Equal(0, backend.Allocations.Bytes);
    }

    [Fact]
    public void A_disposed_executor_refuses_work_and_allocates_nothing()
    {
        using var backend = new ProbeBackend();
        var executor = new Executor(TinyNet.Build(), backend);
        executor.Run(Input);
        executor.Dispose();
        Assert.Equal(0, backend.Allocations.Buffers);

        Assert.Throws<ObjectDisposedException>(() => executor.MemoryPlanFor(2));
        Assert.Throws<ObjectDisposedException>(() => executor.LaunchCountFor(3));
        Assert.Throws<ObjectDisposedException>(() => executor.StepsFor(4));
        Assert.Throws<ObjectDisposedException>(() => executor.Run(Input));
        Assert.Equal(0, backend.Allocations.Buffers);
        executor.Dispose();
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("cpu")]
    public void A_disposed_backend_refuses_work(string name)
    {
        var backend = BackendFactory.Open(name);
        var buffer = backend.Allocate(8);
        backend.Dispose();
        Assert.Throws<ObjectDisposedException>(() => backend.Allocate(8));
        Assert.Throws<ObjectDisposedException>(() => backend.Upload(new float[8], buffer));
        Assert.Throws<ObjectDisposedException>(() => backend.Download(buffer, new float[8]));
        Assert.Throws<ObjectDisposedException>(() => new Executor(TinyNet.Build(), backend).Run(Input));
        backend.Dispose();
    }

    [Fact]
    public void Cached_plans_are_bounded_and_trimmable()
    {
        var graph = TinyNet.Build();
        using var bounded = new ProbeBackend();
        using var unbounded = new ProbeBackend();
        using var small = new InferenceSession(graph, new SessionOptions { SharedBackend = bounded, MaxBatch = 8, MaxCachedPlans = 2 });
        using var large = new InferenceSession(graph, new SessionOptions { SharedBackend = unbounded, MaxBatch = 8, MaxCachedPlans = 8 });
        var inputs = Enumerable.Range(1, 8).Select(n => RandomData.Uniform(30 + n, 0f, 1f, n, 3, 32, 32)).ToArray();
        foreach (var input in inputs)
        {
            Assert.Equal(large.Run(input).Data, small.Run(input).Data);
            Assert.True(small.CachedBatchSizes.Count <= 2, $"cached: {string.Join(", ", small.CachedBatchSizes)}");
        }

        Assert.Equal([8, 7], small.CachedBatchSizes);
        Assert.Equal(8, large.CachedBatchSizes.Count);
        Assert.True(bounded.Allocations.Bytes < unbounded.Allocations.Bytes, $"{bounded.Allocations.Bytes} B with 2 plans vs {unbounded.Allocations.Bytes} B with 8");

        long beforeTrim = bounded.Allocations.Bytes;
        var expected = small.Run(inputs[2]).Data;
        small.TrimMemory();
        Assert.Empty(small.CachedBatchSizes);
        Assert.True(bounded.Allocations.Bytes < beforeTrim, "trimming released the arenas");
        Assert.Equal(expected, small.Run(inputs[2]).Data);
    }

    [Fact]
    public async Task A_run_cancelled_at_any_launch_leaves_the_session_correct()
    {
        using var backend = new ProbeBackend();
        using var session = new InferenceSession(TinyNet.Build(), new SessionOptions { SharedBackend = backend, MaxBatch = 2 });
        var input = RandomData.Uniform(22, 0f, 1f, 2, 3, 32, 32);
        var expected = session.Run(input).Data;
        int before = backend.Launches;
        session.Run(input);
        int launches = backend.Launches - before;
        Assert.True(launches > 3, $"{launches} launches per run");

        for (int k = 0; k < launches; k++)
        {
            using var cancel = new CancellationTokenSource();
            int start = backend.Launches, at = k;
            backend.OnLaunch = n =>
            {
                if (n - start == at)
                {
                    cancel.Cancel();
                }
            };
            try
            {
                var output = await session.RunAsync(input, cancel.Token);
                Assert.Equal(expected, output.Data);   // cancelled after the last check: the run completes
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                backend.OnLaunch = null;
            }

            Assert.Equal(expected, session.Run(input).Data);
            Assert.Equal(expected, (await session.RunAsync(input)).Data);
        }
    }

    [SkippableTheory]
    [InlineData("reference")]
    [InlineData("cpu")]
    [InlineData("ilgpu-cpu")]
    public void A_copy_longer_than_its_buffer_is_an_argument_error_on_every_backend(string name)
    {
        // ILGPU asserts on an out-of-range view, which would end the host process: the backend checks first.
        IBackend backend = name == "ilgpu-cpu" ? fixture.Require() : BackendFactory.Open(name);
        try
        {
            using var buffer = backend.Allocate(4);
            Assert.Throws<ArgumentException>(() => backend.Download(buffer, new float[8]));
            Assert.Throws<ArgumentException>(() => backend.Upload(new float[8], buffer));
            var back = new float[4];
            backend.Upload([1f, 2f, 3f, 4f], buffer);
            backend.Download(buffer, back);
            Assert.Equal([1f, 2f, 3f, 4f], back);
        }
        finally
        {
            if (name != "ilgpu-cpu")
            {
                backend.Dispose();
            }
        }
    }

    [Theory]
    [InlineData("4,4")]
    [InlineData("4,4,x")]
    [InlineData("1,4,2")]
    [InlineData("4,0,2")]
    [InlineData("4,4,2,1")]
    [InlineData("99999999999,1,1")]
    public void A_bad_ilgpu_cpu_shape_is_a_device_error_naming_the_variable(string value)
    {
        var e = Assert.Throws<DeviceException>(() => IlgpuCpuConfig.Shape(value));
        Assert.Contains("CNNGPU_ILGPU_CPU", e.Message, StringComparison.Ordinal);
        Assert.Contains(value, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_good_ilgpu_cpu_shape_is_taken()
    {
        Assert.Equal((8, 2, 3), IlgpuCpuConfig.Shape(" 8, 2 ,3"));
        Assert.Equal((IlgpuCpuConfig.ThreadsPerWarp, IlgpuCpuConfig.WarpsPerMultiprocessor, Environment.ProcessorCount), IlgpuCpuConfig.Shape(null));
    }

    [Fact]
    public void Missing_gpus_come_with_a_reason()
    {
        foreach (var gpu in BackendFactory.GpuAvailability())
        {
            Assert.True(gpu.Devices > 0 ? gpu.Reason is null : !string.IsNullOrWhiteSpace(gpu.Reason), $"{gpu.Kind}: {gpu.Devices} device(s), reason '{gpu.Reason}'");
        }
    }
}
