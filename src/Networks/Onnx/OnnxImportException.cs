using CnnGpu.Runtime;

namespace CnnGpu.Networks.Onnx;

/// <summary>
/// An ONNX model could not be imported: the file is not a readable ONNX model, or it uses an op,
/// attribute or data layout CnnGpu does not support. Node-level failures name the op type, node,
/// domain, opset and (when one is at fault) the attribute.
/// </summary>
public sealed class OnnxImportException : CnnGpuException
{
    /// <summary>Creates the exception for a model-level failure.</summary>
    /// <param name="message">What went wrong.</param>
    public OnnxImportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception for a model-level failure with its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying failure.</param>
    public OnnxImportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public OnnxImportException()
    {
    }

    /// <summary>Creates the exception for one node.</summary>
    /// <param name="message">The full message (names the node).</param>
    /// <param name="opType">ONNX op type.</param>
    /// <param name="nodeName">Node name (or its first output when unnamed).</param>
    /// <param name="domain">Operator-set domain.</param>
    /// <param name="opset">Operator-set version the node binds to.</param>
    /// <param name="attribute">The attribute at fault, if any.</param>
    internal OnnxImportException(string message, string opType, string nodeName, string domain, long opset, string? attribute)
        : base(message)
    {
        OpType = opType;
        NodeName = nodeName;
        Domain = domain;
        Opset = opset;
        Attribute = attribute;
    }

    /// <summary>ONNX op type of the failing node, or null for a model-level failure.</summary>
    public string? OpType { get; }

    /// <summary>Name of the failing node (its first output when the node has no name).</summary>
    public string? NodeName { get; }

    /// <summary>Operator-set domain of the failing node (<c>ai.onnx</c> for the default set).</summary>
    public string? Domain { get; }

    /// <summary>Operator-set version the failing node binds to.</summary>
    public long? Opset { get; }

    /// <summary>The attribute (or constant input) at fault, if any.</summary>
    public string? Attribute { get; }
}
