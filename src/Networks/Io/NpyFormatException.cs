using CnnGpu.Runtime;

namespace CnnGpu.Networks.Io;

/// <summary>A file is not a NumPy <c>.npy</c> array CnnGpu can read (float32, little-endian, C order).</summary>
public sealed class NpyFormatException : CnnGpuException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong with the file.</param>
    public NpyFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    /// <param name="message">What is wrong with the file.</param>
    /// <param name="innerException">The underlying failure.</param>
    public NpyFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public NpyFormatException()
    {
    }
}
