using CnnGpu.Runtime.Graph;

namespace CnnGpu.Runtime.Backends;

/// <summary>A backend cannot run one node with its shapes (or with the algorithm forced on it).</summary>
public sealed class UnsupportedNodeException : CnnGpuException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="backend">The backend's name.</param>
    /// <param name="node">The node it declined.</param>
    /// <param name="reason">Why.</param>
    public UnsupportedNodeException(string backend, Node node, string reason)
        : base($"Backend '{backend}' cannot run {node}: {reason}")
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public UnsupportedNodeException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">Names the node and the reason.</param>
    public UnsupportedNodeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    /// <param name="message">Names the node and the reason.</param>
    /// <param name="innerException">The underlying failure.</param>
    public UnsupportedNodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
