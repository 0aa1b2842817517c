namespace CnnGpu.Runtime.Backends;

/// <summary>
/// Host memory standing between the caller's arrays and one device buffer (a plan's input or output), made
/// once per plan and reused by every run, so that a run queues its copies without allocating or waiting:
/// page-locked on accelerators that support it, where the copy engine reads and writes it directly.
/// </summary>
/// <remarks>
/// A run calls <see cref="Upload"/> for its inputs, launches its kernels, calls <see cref="QueueDownload"/>
/// for its outputs, waits once (<see cref="IBackend.Synchronize"/>), then <see cref="CopyTo"/>.
/// </remarks>
public interface IHostStaging : IDisposable
{
    /// <summary>Copies <paramref name="source"/> into the staging memory and queues its copy to the device buffer.</summary>
    /// <param name="source">At most the buffer's length of values.</param>
    void Upload(ReadOnlySpan<float> source);

    /// <summary>Queues the copy of the first <paramref name="length"/> values of the device buffer into the staging memory.</summary>
    /// <param name="length">Values to copy.</param>
    void QueueDownload(int length);

    /// <summary>After the backend has synchronised: copies the downloaded values to <paramref name="destination"/>.</summary>
    /// <param name="destination">As many values as were queued.</param>
    void CopyTo(Span<float> destination);
}

/// <summary>
/// The staging of backends whose buffers the host can copy directly (the CPU backends): uploads and
/// downloads go straight through <see cref="IBackend.Upload"/> and <see cref="IBackend.Download"/>.
/// </summary>
/// <param name="backend">The backend.</param>
/// <param name="buffer">The device buffer.</param>
public sealed class DirectStaging(IBackend backend, IDeviceBuffer buffer) : IHostStaging
{
    /// <inheritdoc/>
    public void Upload(ReadOnlySpan<float> source) => backend.Upload(source, buffer);

    /// <inheritdoc/>
    public void QueueDownload(int length)
    {
    }

    /// <inheritdoc/>
    public void CopyTo(Span<float> destination) => backend.Download(buffer, destination);

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
