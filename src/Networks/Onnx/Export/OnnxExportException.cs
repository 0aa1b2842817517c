using CnnGpu.Runtime;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Networks.Onnx.Export;

/// <summary>
/// A graph could not be written as ONNX: a node uses an op (or an attribute value) the exporter
/// has no ONNX form for, or the file could not be written. Node-level failures name the node and op.
/// </summary>
public sealed class OnnxExportException : CnnGpuException
{
    /// <summary>Creates the exception for a graph- or file-level failure.</summary>
    /// <param name="message">What went wrong.</param>
    public OnnxExportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception for a graph- or file-level failure with its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying failure.</param>
    public OnnxExportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public OnnxExportException()
    {
    }

    /// <summary>Creates the exception for one node.</summary>
    /// <param name="message">The full message (names the node and op).</param>
    /// <param name="node">The node that cannot be exported.</param>
    internal OnnxExportException(string message, Node node)
        : base(message)
    {
        NodeName = node.Name;
        Op = node.Kind;
    }

    /// <summary>Name of the node that could not be exported, or null for a graph- or file-level failure.</summary>
    public string? NodeName { get; }

    /// <summary>Op of the node that could not be exported, or null for a graph- or file-level failure.</summary>
    public OpKind? Op { get; }
}
