using CnnGpu.Runtime.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace CnnGpu.Tests.Onnx;

/// <summary>Runs a model with ONNX Runtime, the oracle for ONNX semantics (test-only).</summary>
public sealed class OrtOracle : IDisposable
{
    private readonly SessionOptions _options = new() { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
    private readonly InferenceSession _session;

    public OrtOracle(byte[] model) => _session = new InferenceSession(model, _options);

    public OrtOracle(string modelPath) => _session = new InferenceSession(modelPath, _options);

    /// <summary>Runs the model on one input per graph input (in order) and returns every output.</summary>
    public IReadOnlyList<Tensor> Run(params Tensor[] inputs)
    {
        var names = _session.InputNames.Take(inputs.Length).ToArray();
        var values = inputs.Select(t => OrtValue.CreateTensorValueFromMemory(t.Data, [.. t.Shape.Dimensions.Select(d => (long)d)])).ToArray();
        try
        {
            using var options = new RunOptions();
            using var results = _session.Run(options, names, values, _session.OutputNames);
            return [.. results.Select(r =>
            {
                long[] shape = r.GetTensorTypeAndShape().Shape;
                int[] dims = shape.Length == 0 ? [1] : [.. shape.Select(d => (int)d)];
                return new Tensor(new TensorShape(dims), r.GetTensorDataAsSpan<float>().ToArray());
            })];
        }
        finally
        {
            foreach (var v in values)
            {
                v.Dispose();
            }
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        _options.Dispose();
    }
}
