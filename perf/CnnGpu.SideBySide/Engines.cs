using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Session;
using CnnGpu.Runtime.Tensors;
using Ort = Microsoft.ML.OnnxRuntime;

namespace CnnGpu.SideBySide;

/// <summary>One inference engine holding one model, timed through the same three calls.</summary>
internal interface IEngine : IDisposable
{
    /// <summary>The name reports use.</summary>
    string Name { get; }

    /// <summary>Binds the input the next runs use (not timed).</summary>
    /// <param name="data">The batch, NCHW, C order; kept alive by the engine.</param>
    /// <param name="shape">Its shape, batch first.</param>
    void SetInput(float[] data, int[] shape);

    /// <summary>One inference on the bound input; what is timed.</summary>
    void Run();

    /// <summary>One inference whose first output is copied out (for the agreement check, not timed).</summary>
    float[] RunAndRead();
}

/// <summary>ONNX Runtime's CPU provider as an application would configure it: thread counts set, the optimisation level left at its default.</summary>
internal sealed class OrtEngine : IEngine
{
    public const string EngineName = "ORT";

    private readonly Ort.SessionOptions _options;
    private readonly Ort.InferenceSession _session;
    private readonly Ort.RunOptions _run = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private Ort.OrtValue? _input;

    /// <summary>Creates the session (ORT optimises the graph and packs weights here).</summary>
    /// <param name="path">The ONNX file.</param>
    /// <param name="threads">Intra-op threads (the calling thread included, as for CnnGpu).</param>
    public OrtEngine(string path, int threads)
    {
        _options = new Ort.SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,

            // Only the log level is changed: warnings such as unused initialisers would bury the table.
            LogSeverityLevel = Ort.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        try
        {
            _session = new Ort.InferenceSession(path, _options);
        }
        catch
        {
            _options.Dispose();
            _run.Dispose();
            throw;
        }

        _inputNames = [_session.InputNames[0]];
        _outputNames = [_session.OutputNames[0]];
    }

    public string Name => EngineName;

    /// <summary>The declared dimensions of the first input (−1 for symbolic ones).</summary>
    public int[] InputDimensions => _session.InputMetadata[_inputNames[0]].Dimensions;

    public void SetInput(float[] data, int[] shape)
    {
        _input?.Dispose();

        // Pins the managed array: ORT reads the caller's memory directly, as CnnGpu's Run does.
        _input = Ort.OrtValue.CreateTensorValueFromMemory(data, [.. shape.Select(d => (long)d)]);
    }

    public void Run()
    {
        using var outputs = _session.Run(_run, _inputNames, [_input!], _outputNames);
    }

    public float[] RunAndRead()
    {
        using var outputs = _session.Run(_run, _inputNames, [_input!], _outputNames);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose()
    {
        _input?.Dispose();
        _session.Dispose();
        _run.Dispose();
        _options.Dispose();
    }
}

/// <summary>CnnGpu's SIMD <c>cpu</c> backend through the public session API.</summary>
internal sealed class CnnGpuEngine : IEngine
{
    public const string EngineName = "CnnGpu";

    private readonly InferenceSession _session;
    private Tensor? _input;

    /// <summary>Creates the session (graph passes, weight packing, warm-up).</summary>
    /// <param name="graph">The imported graph.</param>
    /// <param name="threads">Threads of the cpu backend.</param>
    /// <param name="maxBatch">Largest batch that will run.</param>
    public CnnGpuEngine(ComputeGraph graph, int threads, int maxBatch) =>
        _session = new InferenceSession(graph, new SessionOptions { Backend = "cpu", Threads = threads, MaxBatch = maxBatch });

    public string Name => EngineName;

    /// <summary>One item's input shape as the session sees it.</summary>
    public TensorShape InputItemShape => _session.InputItemShape;

    /// <summary>The session (for its plan).</summary>
    public InferenceSession Session => _session;

    public void SetInput(float[] data, int[] shape) => _input = new Tensor(new TensorShape(shape), data);

    public void Run() => _session.Run(_input!);

    public float[] RunAndRead() => _session.Run(_input!).Data;

    public void Dispose() => _session.Dispose();
}
