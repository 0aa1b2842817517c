using CnnGpu.Runtime.Backends;
using CnnGpu.Runtime.Backends.Cpu;

namespace CnnGpu.Cli.Commands;

/// <summary>Backend handling shared by the commands that open one.</summary>
internal static class Backends
{
    /// <summary>
    /// Disposes <paramref name="backend"/>. A cpu backend with one thread throws from its worker pool's
    /// <c>Dispose</c> (<c>SemaphoreSlim.Release(0)</c> for its zero worker threads); such a pool has no
    /// thread to stop, so that exception is dropped rather than ending the command with a stack trace.
    /// </summary>
    /// <param name="backend">An open backend.</param>
    public static void Close(IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        try
        {
            backend.Dispose();
        }
        catch (ArgumentOutOfRangeException) when (backend is CpuBackend { Threads: 1 })
        {
            // Nothing to release: the pool of a one-thread backend runs everything on the caller.
        }
    }
}
