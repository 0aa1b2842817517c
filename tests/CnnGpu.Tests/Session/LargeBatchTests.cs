using CnnGpu.Runtime.Backends.Reference;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Session;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Session;

/// <summary>
/// A session takes batches of 256 by default (what GPU benchmarks run), and a batch of 256 gives each image the
/// result the reference computes: convolutions whose tiles span images, and a fully connected layer with 256 rows.
/// </summary>
public abstract class LargeBatchTests(BackendFixture fixture)
{
    [SkippableFact]
    public void A_batch_of_256_matches_the_reference_image_by_image()
    {
        var backend = fixture.Require();
        var b = new GraphBuilder("batch256");
        int x = b.Input("x", 3, 12, 12);
        int c1 = b.Add("c1", OpKind.Conv2d, Conv2dAttrs.Square(3, 1, 1) with { Activation = FusedActivation.Relu }, [x, b.Constant("w1", RandomData.Weights(1, 16, 3, 3, 3)), b.Constant("b1", RandomData.Symmetric(2, 16))]);
        int c2 = b.Add("c2", OpKind.Conv2d, Conv2dAttrs.Square(3, 2, 1) with { Activation = FusedActivation.Relu }, [c1, b.Constant("w2", RandomData.Weights(3, 24, 16, 3, 3))]);
        int fc = b.Add("fc", OpKind.FullyConnected, new FullyConnectedAttrs(), [b.Flatten("flat", c2), b.Constant("w3", RandomData.Weights(4, 10, 24 * 6 * 6)), b.Constant("b3", RandomData.Symmetric(5, 10))]);
        b.Output(fc);
        var graph = b.Build();

        using var session = new InferenceSession(graph, new SessionOptions { SharedBackend = backend });
        Assert.Equal(256, session.Options.MaxBatch);
        var input = RandomData.Uniform(6, 0f, 1f, 256, 3, 12, 12);
        var actual = session.Run(input);
        using var truth = new Executor(graph, new ReferenceBackend());
        Tolerance.AssertClose(truth.Run(input).Data, actual.Data, $"batch 256 on {backend.Name}");
    }
}

[Collection(OnIlgpuCpu.Name)]
public sealed class IlgpuCpuLargeBatchTests(IlgpuCpuFixture fixture) : LargeBatchTests(fixture);

[Collection(OnCpu.Name)]
public sealed class CpuLargeBatchTests(CpuFixture fixture) : LargeBatchTests(fixture);
