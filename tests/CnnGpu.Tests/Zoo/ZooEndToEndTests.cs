using System.Collections.Concurrent;
using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime.Backends.Reference;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Session;
using CnnGpu.Runtime.Tensors;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Zoo;

/// <summary>
/// Every zoo network runs end to end at a reduced input through an <see cref="InferenceSession"/> (graph
/// passes, plan-time kernels) on each optimised backend, with logits matching the reference backend
/// running the unoptimised graph (compared before the softmax, where relative error is meaningful).
/// </summary>
public abstract class ZooEndToEndTests(BackendFixture fixture)
{
    /// <summary>Images the reference runs per network; a backend running fewer compares against the first ones.</summary>
    private const int ReferenceBatch = 2;

    private static readonly ConcurrentDictionary<string, Lazy<Tensor>> Expected = new();

    public static TheoryData<string, int> ReducedInputs => ZooCases.ReducedInputs();

    [Fact]
    public void Every_zoo_network_has_a_reduced_input_case()
    {
        var covered = ReducedInputs.Select(row => (string)row[0]).ToHashSet();
        Assert.All(NetworkZoo.Names, n => Assert.Contains(n, covered));
    }

    [SkippableTheory]
    [MemberData(nameof(ReducedInputs))]
    public void Network_matches_reference_at_reduced_input(string network, int size)
    {
        var backend = fixture.Require();
        var graph = ZooCases.Logits(NetworkZoo.Build(network, new NetworkOptions(size, Classes: 100)));
        int batch = BatchFor(network);
        var images = RandomData.Uniform(2024, 0f, 1f, ReferenceBatch, 3, size, size);
        // Computed once per network, however many backends (and batch sizes) compare against it.
        var all = Expected.GetOrAdd(network, _ => new Lazy<Tensor>(() =>
        {
            using var reference = new Executor(graph, new ReferenceBackend());
            return reference.Run(images);
        })).Value;
        var input = FirstImages(images, batch);
        var expected = FirstImages(all, batch);
        using var session = new InferenceSession(graph, new SessionOptions { SharedBackend = backend, MaxBatch = batch });
        var actual = session.Run(input);
        Assert.Equal(new TensorShape(batch, 100), actual.Shape);
        Assert.All(expected.Data, v => Assert.True(float.IsFinite(v)));
        Assert.True(expected.Data.Max() - expected.Data.Min() > 1e-3f, $"{network}: logits are flat");
        Tolerance.AssertClose(expected.Data, actual.Data, $"{network} at {size}x{size}, batch {batch}, on {backend.Name}");
    }

    /// <summary>Images per run (at most <see cref="ReferenceBatch"/>): batch 2 exercises the batch loops; a slow backend may keep the heavy networks at one.</summary>
    protected virtual int BatchFor(string network) => ReferenceBatch;

    /// <summary>The first <paramref name="count"/> items of a batch (images are contiguous in NCHW, logits in [N, classes]).</summary>
    private static Tensor FirstImages(Tensor batch, int count)
    {
        if (count == batch.Shape[0])
        {
            return batch;
        }

        var shape = new TensorShape([count, .. batch.Shape.Dimensions.Skip(1)]);
        return new Tensor(shape, batch.Data[..shape.ElementCount]);
    }
}

[Collection(OnIlgpuCpu.Name)]
public sealed class IlgpuCpuZooEndToEndTests(IlgpuCpuFixture fixture) : ZooEndToEndTests(fixture)
{
    // The CPU simulator runs the heavy networks one image at a time to keep the suite's time in check.
    protected override int BatchFor(string network) =>
        network is "alexnet" or "alexnet-v1" or "googlenet" or "resnet18" or "resnet34" ? 2 : 1;
}

[Collection(OnCpu.Name)]
public sealed class CpuZooEndToEndTests(CpuFixture fixture) : ZooEndToEndTests(fixture);

[Collection(OnCpu256.Name)]
public sealed class Cpu256ZooEndToEndTests(Cpu256Fixture fixture) : ZooEndToEndTests(fixture);

[Collection(OnCpu128.Name)]
public sealed class Cpu128ZooEndToEndTests(Cpu128Fixture fixture) : ZooEndToEndTests(fixture);

/// <summary>ResNet-50 and GoogLeNet at their full 224×224 input on the reference (outside the ILGPU collection, so it runs alongside).</summary>
public sealed class ZooFullSizeTests
{
    [Theory]
    [InlineData("resnet50")]
    [InlineData("googlenet")]
    public void Network_runs_at_224_on_reference(string network)
    {
        var graph = NetworkZoo.Build(network);
        using var executor = new Executor(graph, new ReferenceBackend());
        var probabilities = executor.Run(RandomData.Uniform(224, 0f, 1f, 1, 3, 224, 224));
        Assert.Equal(new TensorShape(1, 1000), probabilities.Shape);
        Assert.All(probabilities.Data, p => Assert.InRange(p, 0f, 1f));
        Assert.Equal(1.0, probabilities.Data.Sum(p => (double)p), 4);
    }
}
