using BenchmarkDotNet.Attributes;
using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime.Backends;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Perf;

/// <summary>
/// The 32×32 test network on each available backend, side by side in one run. On a machine
/// without a GPU this compares the scalar reference with ILGPU's CPU simulator; on a GPU host
/// the CUDA/OpenCL rows appear too.
/// </summary>
[MemoryDiagnoser]
public class TinyNetBenchmarks : IDisposable
{
    private IBackend? _backend;
    private Executor? _executor;
    private Tensor? _input;

    public static IEnumerable<string> Backends =>
        BackendFactory.ListDevices().Select(d => d.Id);

    [ParamsSource(nameof(Backends))]
    public string Backend { get; set; } = "reference";

    [Params(1, 8)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _backend = BackendFactory.Open(Backend);
        _executor = new Executor(TinyNet.Build(), _backend);
        var data = new float[Batch * 3 * 32 * 32];
        var rng = new Random(1);
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)rng.NextDouble();
        }

        _input = new Tensor(new TensorShape(Batch, 3, 32, 32), data);
        _executor.Run(_input);
    }

    [Benchmark]
    public Tensor Run() => _executor!.Run(_input!);

    [GlobalCleanup]
    public void Dispose()
    {
        _executor?.Dispose();
        _backend?.Dispose();
        GC.SuppressFinalize(this);
    }
}
