using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime.Backends.Reference;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Tensors;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Zoo;

/// <summary>
/// Every zoo network runs end to end at a reduced input on the reference and on the ILGPU CPU
/// accelerator, with matching logits (compared before the softmax, where relative error is meaningful).
/// </summary>
[Collection(OnIlgpuCpu.Name)]
public sealed class ZooEndToEndTests(IlgpuCpuFixture fixture)
{
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
        // Batch 2 for the light networks; the heavy ones run one image to keep the CPU simulator's time in check.
        int batch = network is "alexnet" or "alexnet-v1" or "googlenet" or "resnet18" or "resnet34" ? 2 : 1;
        var input = RandomData.Uniform(2024, 0f, 1f, batch, 3, size, size);
        using var expectedRun = new Executor(graph, new ReferenceBackend());
        using var actualRun = new Executor(graph, backend);
        var expected = expectedRun.Run(input);
        var actual = actualRun.Run(input);
        Assert.Equal(new TensorShape(batch, 100), actual.Shape);
        Assert.All(expected.Data, v => Assert.True(float.IsFinite(v)));
        Assert.True(expected.Data.Max() - expected.Data.Min() > 1e-3f, $"{network}: logits are flat");
        Tolerance.AssertClose(expected.Data, actual.Data, $"{network} at {size}x{size} on {backend.Name}");
    }
}

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
