namespace CnnGpu.Runtime;

/// <summary>Base of every error CnnGpu raises on purpose; the message is meant for the user.</summary>
public class CnnGpuException : Exception
{
    /// <summary>Creates the exception with a user-facing message.</summary>
    /// <param name="message">What went wrong, naming the node, op or shapes involved.</param>
    public CnnGpuException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a user-facing message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying failure.</param>
    public CnnGpuException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public CnnGpuException()
    {
    }
}

/// <summary>A tensor's shape does not fit the node that consumes or produces it.</summary>
public sealed class ShapeMismatchException : CnnGpuException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Names the node and the shapes involved.</param>
    public ShapeMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public ShapeMismatchException()
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    /// <param name="message">Names the node and the shapes involved.</param>
    /// <param name="innerException">The underlying failure.</param>
    public ShapeMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A device could not be opened or failed while running.</summary>
public sealed class DeviceException : CnnGpuException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Names the device and what failed.</param>
    public DeviceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public DeviceException()
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    /// <param name="message">Names the device and what failed.</param>
    /// <param name="innerException">The underlying failure.</param>
    public DeviceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
