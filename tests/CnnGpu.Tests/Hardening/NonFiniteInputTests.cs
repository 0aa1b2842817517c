using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime.Session;
using CnnGpu.Runtime.Tensors;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Hardening;

/// <summary>
/// Inputs with NaN and ±Inf (README, "Reliability"): no check, no exception and no hang; the affected image's
/// output is unspecified (NaN, or a number where a ReLU or max-pool dropped the NaN), and every other image of
/// the batch is exactly what it is in the same batch with finite pixels in the poisoned image's place.
/// </summary>
[Collection(OnIlgpuCpu.Name)]
public sealed class NonFiniteInputTests(IlgpuCpuFixture fixture)
{
    public static TheoryData<string, float> Cases => new()
    {
        { "reference", float.NaN }, { "reference", float.PositiveInfinity }, { "reference", float.NegativeInfinity },
        { "cpu", float.NaN }, { "cpu", float.PositiveInfinity }, { "cpu", float.NegativeInfinity },
        { "ilgpu-cpu", float.NaN }, { "ilgpu-cpu", float.PositiveInfinity },
    };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void A_non_finite_image_runs_and_leaves_the_others_of_its_batch_alone(string backend, float poison)
    {
        var options = backend == "ilgpu-cpu"
            ? new SessionOptions { SharedBackend = fixture.Require(), MaxBatch = 3 }
            : new SessionOptions { Backend = backend, MaxBatch = 3 };
        using var session = new InferenceSession(TinyNet.Build(), options);
        var clean = RandomData.Uniform(77, 0f, 1f, 3, 3, 32, 32);
        var batch = new Tensor(clean.Shape, (float[])clean.Data.Clone());
        int item = batch.Shape.CountFrom(1);
        for (int i = item; i < 2 * item; i += 7)
        {
            batch.Data[i] = poison;   // the middle image: every 7th value
        }

        // Same batch size, same plan: the first and last images must come out bit for bit as without the poison.
        var expected = session.Run(clean);
        var output = session.Run(batch);
        for (int n = 0; n < 3; n += 2)
        {
            Assert.Equal(expected.Data.AsSpan(n * 10, 10).ToArray(), output.Data.AsSpan(n * 10, 10).ToArray());
        }
    }
}
