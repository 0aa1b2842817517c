namespace CnnGpu.Networks.Onnx;

/// <summary>
/// Limits on what an ONNX file may declare, checked before anything is allocated: for host apps that load
/// models they did not make. Every tensor is also checked against the file itself (its data must be there).
/// </summary>
public sealed record OnnxImportOptions
{
    /// <summary>The defaults: tensors up to 2 GiB (VGG-19's largest weight is 411 MB).</summary>
    public static OnnxImportOptions Default { get; } = new();

    /// <summary>Largest initializer, in bytes of float32 data, that an import accepts.</summary>
    public long MaxTensorBytes { get; init; } = 2L << 30;
}
