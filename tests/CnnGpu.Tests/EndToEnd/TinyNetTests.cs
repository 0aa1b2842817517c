using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime.Backends.Reference;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.EndToEnd;

/// <summary>The whole small network gives the same output on an optimised backend as on the reference.</summary>
public abstract class TinyNetTests(BackendFixture fixture)
{
    [SkippableTheory]
    [InlineData(1)]
    [InlineData(3)]
    public void Tiny_network_matches_reference(int batch)
    {
        var backend = fixture.Require();
        var graph = TinyNet.Build();
        var input = RandomData.Uniform(99, 0f, 1f, batch, 3, 32, 32);
        using var expectedRun = new Executor(graph, new ReferenceBackend());
        using var actualRun = new Executor(graph, backend);
        var expected = expectedRun.Run(input);
        var actual = actualRun.Run(input);
        Assert.Equal(new TensorShape(batch, 10), actual.Shape);
        Tolerance.AssertClose(expected.Data, actual.Data, $"tinynet batch {batch} on {backend.Name}");
        for (int n = 0; n < batch; n++)
        {
            Assert.Equal(1.0, actual.Data.AsSpan(n * 10, 10).ToArray().Sum(v => (double)v), 5);
        }

        // The network must not be degenerate: probabilities differ between classes.
        Assert.True(expected.Data.Max() - expected.Data.Min() > 1e-3f, "tinynet output is flat");
    }

    [SkippableFact]
    public void Batched_run_equals_runs_of_single_images()
    {
        var backend = fixture.Require();
        var input = RandomData.Uniform(5, 0f, 1f, 3, 3, 32, 32);
        using var executor = new Executor(TinyNet.Build(), backend);
        var batched = executor.Run(input);
        for (int n = 0; n < 3; n++)
        {
            var single = new Tensor(new TensorShape(1, 3, 32, 32), input.Data.AsSpan(n * 3 * 32 * 32, 3 * 32 * 32).ToArray());
            Tolerance.AssertClose(executor.Run(single).Data, batched.Data.AsSpan(n * 10, 10), $"image {n}", 1e-6f, 1e-5f);
        }
    }
}

[Collection(OnIlgpuCpu.Name)]
public sealed class IlgpuCpuTinyNetTests(IlgpuCpuFixture fixture) : TinyNetTests(fixture);

[Collection(OnCpu.Name)]
public sealed class CpuTinyNetTests(CpuFixture fixture) : TinyNetTests(fixture);

[Collection(OnCpu256.Name)]
public sealed class Cpu256TinyNetTests(Cpu256Fixture fixture) : TinyNetTests(fixture);

[Collection(OnCpu128.Name)]
public sealed class Cpu128TinyNetTests(Cpu128Fixture fixture) : TinyNetTests(fixture);

[Collection(OnCuda.Name)]
public sealed class CudaTinyNetTests(CudaFixture fixture) : TinyNetTests(fixture);

[Collection(OnOpenCl.Name)]
public sealed class OpenClTinyNetTests(OpenClFixture fixture) : TinyNetTests(fixture);

/// <summary>The test network's structure (backend-independent).</summary>
public sealed class TinyNetStructureTests
{
    [Fact]
    public void Tiny_network_uses_every_op_family()
    {
        var kinds = TinyNet.Build().Nodes.Select(n => n.Kind).ToHashSet();
        OpKind[] required =
        [
            OpKind.Conv2d, OpKind.BatchNorm, OpKind.Relu, OpKind.Lrn, OpKind.MaxPool, OpKind.GlobalAvgPool,
            OpKind.FullyConnected, OpKind.Sigmoid, OpKind.ChannelScale, OpKind.Add, OpKind.Concat,
            OpKind.Softmax, OpKind.Flatten, OpKind.Dropout,
        ];
        Assert.All(required, k => Assert.Contains(k, kinds));
        Assert.Contains(TinyNet.Build().Nodes, n => n.Attributes is Conv2dAttrs { Groups: 2 });
    }
}
