using CnnGpu.Networks.Onnx;
using CnnGpu.Networks.Onnx.Protos;
using CnnGpu.Runtime.Execution;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Onnx;

/// <summary>
/// Every importer op and attribute combination: the same small ONNX model run by ONNX Runtime
/// (expected) and imported into CnnGpu (actual) agree within |a − e| ≤ 1e-5 + 1e-4·|e|.
/// </summary>
public abstract class OnnxParityTests(BackendFixture fixture)
{
    private static readonly Dictionary<string, ParityCase> Cases =
        ConvParityCases.All()
            .Concat(PoolNormParityCases.All())
            .Concat(LinearParityCases.All())
            .Concat(ElementwiseParityCases.All())
            .Concat(TensorParityCases.All())
            .Concat(ChannelOpParityCases.All())
            .ToDictionary(c => c.Name, StringComparer.Ordinal);

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [SkippableTheory]
    [MemberData(nameof(CaseNames))]
    public void Matches_onnx_runtime(string name)
    {
        var backend = fixture.Require();
        var parityCase = Cases[name];
        byte[] bytes = parityCase.Model().Bytes();
        var input = parityCase.Input(seed: name.Length);

        using var oracle = new OrtOracle(bytes);
        var expected = oracle.Run(input)[0];
        var graph = OnnxImporter.Import(ModelProto.Parser.ParseFrom(bytes));
        using var executor = new Executor(graph, backend);
        var actual = executor.Run(input);

        Assert.Equal(expected.Shape, actual.Shape);
        Tolerance.AssertClose(expected.Data, actual.Data, $"{name} on {backend.Name}");
        Assert.True(expected.Data.Max() - expected.Data.Min() > 1e-3f, $"{name}: the output is flat, so the comparison proves little");
    }
}

[Collection(OnReference.Name)]
public sealed class ReferenceOnnxParityTests(ReferenceFixture fixture) : OnnxParityTests(fixture);

[Collection(OnIlgpuCpu.Name)]
public sealed class IlgpuCpuOnnxParityTests(IlgpuCpuFixture fixture) : OnnxParityTests(fixture);

[Collection(OnCpu.Name)]
public sealed class CpuOnnxParityTests(CpuFixture fixture) : OnnxParityTests(fixture);

[Collection(OnCpu256.Name)]
public sealed class Cpu256OnnxParityTests(Cpu256Fixture fixture) : OnnxParityTests(fixture);

[Collection(OnCpu128.Name)]
public sealed class Cpu128OnnxParityTests(Cpu128Fixture fixture) : OnnxParityTests(fixture);

[Collection(OnCuda.Name)]
public sealed class CudaOnnxParityTests(CudaFixture fixture) : OnnxParityTests(fixture);

[Collection(OnOpenCl.Name)]
public sealed class OpenClOnnxParityTests(OpenClFixture fixture) : OnnxParityTests(fixture);
