using ILGPU.Runtime.CPU;

namespace CnnGpu.Runtime.Backends.Ilgpu;

/// <summary>
/// The CPU accelerator's simulated device, sized to this machine: one simulated multiprocessor
/// per core. Each simulated thread of a group is an OS thread synchronised by barriers, so groups
/// are small (16 threads): measured on 2 cores, (4 threads/warp, 16 warps) made small kernels
/// ~1.7× slower and raised launch overhead from 0.15 ms to 1.1 ms (and the zoo's end-to-end tests
/// several times slower), while 16-thread groups still run the tiled GEMM's code (4×4 threads,
/// 32×32 tiles); <c>ilgpu-cpu:256</c> simulates the 16×16-thread groups of a GPU's 128×128 tiles.
/// </summary>
public static class IlgpuCpuConfig
{
    /// <summary>Threads per simulated warp.</summary>
    public const int ThreadsPerWarp = 4;

    /// <summary>Warps per simulated multiprocessor (max group = 4 · 4 = 16 threads).</summary>
    public const int WarpsPerMultiprocessor = 4;

    /// <summary>
    /// A device with one simulated multiprocessor per core, or the shape given by the environment
    /// variable <c>CNNGPU_ILGPU_CPU=threadsPerWarp,warpsPerMultiprocessor,multiprocessors</c>.
    /// </summary>
    /// <exception cref="DeviceException">The variable is set but is not three such numbers.</exception>
    /// <param name="groupThreads">
    /// When positive, the largest group to simulate (a multiple of <see cref="ThreadsPerWarp"/>, at most 1024), e.g. 256 to
    /// run the 16×16-thread tiles a GPU runs; the variable and the defaults decide otherwise.
    /// </param>
    public static CPUDevice CreateDevice(int groupThreads = 0)
    {
        if (groupThreads > 0)
        {
            if (groupThreads % ThreadsPerWarp != 0 || groupThreads > 1024)
            {
                throw new DeviceException($"ilgpu-cpu:{groupThreads}: the simulated group size must be a multiple of {ThreadsPerWarp} up to 1024.");
            }

            return new CPUDevice(ThreadsPerWarp, groupThreads / ThreadsPerWarp, Math.Max(1, Environment.ProcessorCount));
        }

        var (threads, warps, multiprocessors) = Shape(Environment.GetEnvironmentVariable(Variable));
        return new CPUDevice(threads, warps, multiprocessors);
    }

    /// <summary>The environment variable that overrides the simulated device's shape.</summary>
    public const string Variable = "CNNGPU_ILGPU_CPU";

    /// <summary>
    /// The device shape <paramref name="custom"/> (the value of <see cref="Variable"/>) asks for, or the
    /// default when it is null or empty.
    /// </summary>
    /// <param name="custom"><c>threadsPerWarp,warpsPerMultiprocessor,multiprocessors</c>, or null.</param>
    /// <exception cref="DeviceException">Not three integers within range.</exception>
    public static (int ThreadsPerWarp, int WarpsPerMultiprocessor, int Multiprocessors) Shape(string? custom)
    {
        if (string.IsNullOrWhiteSpace(custom))
        {
            return (ThreadsPerWarp, WarpsPerMultiprocessor, Math.Max(1, Environment.ProcessorCount));
        }

        var parts = custom.Split(',');
        var numbers = new int[parts.Length];
        bool valid = parts.Length == 3;
        for (int i = 0; valid && i < parts.Length; i++)
        {
            valid = int.TryParse(parts[i].Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out numbers[i])
                && numbers[i] >= (i == 0 ? 2 : 1) && numbers[i] <= 1024;
        }

        return valid
            ? (numbers[0], numbers[1], numbers[2])
            : throw new DeviceException($"{Variable}='{custom}' must be threadsPerWarp(2–1024),warpsPerMultiprocessor(1–1024),multiprocessors(1–1024), e.g. 4,4,2.");
    }
}
