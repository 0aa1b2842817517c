using System.Globalization;
using CnnGpu.Kernels.Simd;
using CnnGpu.Runtime.Backends.Cpu;
using CnnGpu.Runtime.Backends.Ilgpu;
using CnnGpu.Runtime.Backends.Reference;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace CnnGpu.Runtime.Backends;

/// <summary>
/// Lists devices and opens backends by name: <c>auto</c> (CUDA &gt; OpenCL &gt; SIMD CPU),
/// <c>reference</c>, <c>cpu</c> (<c>cpu:512</c>, <c>cpu:256</c>, <c>cpu:128</c> force a vector width),
/// <c>ilgpu-cpu</c> (<c>ilgpu-cpu:256</c> simulates groups of up to 256 threads, the size of the GPU tiles),
/// <c>cuda[:index]</c>, <c>opencl[:index]</c>.
/// </summary>
public static class BackendFactory
{
    /// <summary>The backend names <see cref="Open"/> accepts (an index may follow cuda and opencl).</summary>
    public static IReadOnlyList<string> Names { get; } = ["auto", "reference", "cpu", "ilgpu-cpu", "cuda", "opencl"];

    /// <summary>Every device present: the reference, the SIMD CPU backend (when this CPU has SIMD) and ILGPU's CPU accelerator, then GPUs.</summary>
    public static IReadOnlyList<DeviceInfo> ListDevices()
    {
        var devices = new List<DeviceInfo> { new(ReferenceBackend.BackendName, DeviceKind.Reference, "scalar reference (host)", -1, 1, 1, 1) };
        if (SimdCapabilities.Widest is { } width)
        {
            int floats = SimdCapabilities.Floats(width);
            devices.Add(new(CpuBackend.BackendName, DeviceKind.Cpu, $"{CpuBackend.ProcessorName}, {SimdCapabilities.Describe(width)}", -1, Environment.ProcessorCount, floats, floats));
        }

        devices.Add(Describe(IlgpuCpuConfig.CreateDevice(), DeviceKind.IlgpuCpu, "ilgpu-cpu"));
        devices.AddRange(ListGpus(DeviceKind.Cuda));
        devices.AddRange(ListGpus(DeviceKind.OpenCL));
        return devices;
    }

    /// <summary>
    /// The device <c>auto</c> picks: the first CUDA GPU, else the first OpenCL GPU, else the SIMD CPU backend
    /// (or, on a CPU without SIMD, the ILGPU CPU accelerator).
    /// </summary>
    public static string ResolveAuto() =>
        ListGpus(DeviceKind.Cuda).Concat(ListGpus(DeviceKind.OpenCL)).Select(d => d.Id).FirstOrDefault()
        ?? (SimdCapabilities.Widest is null ? "ilgpu-cpu" : CpuBackend.BackendName);

    /// <summary>Opens a backend by name.</summary>
    /// <param name="name">One of <see cref="Names"/>, optionally with <c>:index</c> for GPUs.</param>
    /// <param name="options">Settings for the backend (threads of the CPU backend); defaults when null.</param>
    /// <exception cref="DeviceException">No such device, or it could not be opened.</exception>
    public static IBackend Open(string name = "auto", BackendOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        string id = name.Trim().ToLowerInvariant();
        if (id == "auto")
        {
            id = ResolveAuto();
        }

        string kindName = id.Split(':')[0];
        if (kindName == CpuBackend.BackendName)
        {
            return CpuBackend.Open(ParseWidth(id), (options ?? BackendOptions.Default).Threads);
        }

        if (kindName == "ilgpu-cpu")
        {
            return OpenIlgpu(DeviceKind.IlgpuCpu, 0, ParseSimulatedGroup(id));
        }

        int index = ParseIndex(id);
        return kindName switch
        {
            ReferenceBackend.BackendName => new ReferenceBackend(),
            "cuda" => OpenIlgpu(DeviceKind.Cuda, index),
            "opencl" => OpenIlgpu(DeviceKind.OpenCL, index),
            _ => throw new DeviceException($"Unknown backend '{name}'. Choose one of: {string.Join(", ", Names)} (cuda and opencl take an optional :index, cpu an optional :512, :256 or :128 vector width)."),
        };
    }

    private static SimdWidth? ParseWidth(string id)
    {
        int colon = id.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return null;
        }

        return id[(colon + 1)..] switch
        {
            "512" => SimdWidth.V512,
            "256" => SimdWidth.V256,
            "128" => SimdWidth.V128,
            _ => throw new DeviceException($"Vector width in '{id}' must be 512, 256 or 128."),
        };
    }

    /// <summary>The simulated group size of <c>ilgpu-cpu:N</c> (0 without a suffix: the default device).</summary>
    private static int ParseSimulatedGroup(string id)
    {
        int colon = id.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? 0
            : int.TryParse(id.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int threads) && threads > 0 ? threads
            : throw new DeviceException($"'{id}': the suffix of ilgpu-cpu is the simulated group size in threads (a multiple of {IlgpuCpuConfig.ThreadsPerWarp} up to 1024, e.g. ilgpu-cpu:256).");
    }

    private static int ParseIndex(string id)
    {
        int colon = id.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return 0;
        }

        return int.TryParse(id.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            ? index
            : throw new DeviceException($"Device index in '{id}' is not a number.");
    }

    private static IlgpuBackend OpenIlgpu(DeviceKind kind, int index, int simulatedGroup = 0)
    {
        string id = kind == DeviceKind.IlgpuCpu ? "ilgpu-cpu" : $"{KindPrefix(kind)}:{index}";
        Context? context = null;
        try
        {
            context = CreateContext(kind, simulatedGroup);
            var devices = DevicesOf(context, kind);
            if (index >= devices.Count)
            {
                throw new DeviceException(devices.Count == 0
                    ? $"No {kind} device is available (asked for {id})."
                    : $"There is no {id}: only {devices.Count} {kind} device(s).");
            }

            var device = devices[index];
            var info = Describe(device, kind, id);
            Accelerator accelerator = device is CPUDevice cpu
                ? cpu.CreateCPUAccelerator(context, CPUAcceleratorMode.Parallel)
                : device.CreateAccelerator(context);
            return new IlgpuBackend(context, accelerator, info);
        }
        catch (DeviceException)
        {
            context?.Dispose();
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            context?.Dispose();
            throw new DeviceException($"Opening {id} failed: {e.Message}", e);
        }
    }

    /// <summary>
    /// For CUDA and OpenCL: how many devices there are and, when there are none, why (the driver library
    /// that could not be loaded, the runtime's error, or a driver that reports no device), so that
    /// <c>auto</c> falling back to the CPU can be explained.
    /// </summary>
    public static IReadOnlyList<GpuAvailability> GpuAvailability() =>
        [.. new[] { DeviceKind.Cuda, DeviceKind.OpenCL }.Select(kind =>
        {
            var devices = ListGpus(kind, out string? reason);
            return new GpuAvailability(kind, devices.Count, reason);
        })];

    private static IReadOnlyList<DeviceInfo> ListGpus(DeviceKind kind) => ListGpus(kind, out _);

    private static IReadOnlyList<DeviceInfo> ListGpus(DeviceKind kind, out string? reason)
    {
        try
        {
            using var context = CreateContext(kind);
            var devices = DevicesOf(context, kind);
            reason = devices.Count > 0 ? null
                : MissingDriver(kind) is { } missing ? $"the driver library ({missing}) is not installed or not on the library path"
                : kind == DeviceKind.OpenCL ? "the OpenCL runtime reports no GPU with OpenCL 2.0+ that ILGPU can use"
                : "the CUDA driver reports no device";
            return [.. devices.Select((d, i) => Describe(d, kind, $"{KindPrefix(kind)}:{i}"))];
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or AcceleratorException or InvalidOperationException or EntryPointNotFoundException or NotSupportedException)
        {
            // A missing or broken driver means "no such device", not a failure of the caller; the reason is kept.
            var root = e;
            while (root is TypeInitializationException { InnerException: { } inner })
            {
                root = inner;
            }

            reason = $"{root.GetType().Name}: {root.Message.Split('\n')[0].Trim()}";
            return [];
        }
    }

    /// <summary>The driver library names of <paramref name="kind"/> when none of them loads here, else null.</summary>
    private static string? MissingDriver(DeviceKind kind)
    {
        string[] names = (kind, OperatingSystem.IsWindows()) switch
        {
            (DeviceKind.Cuda, true) => ["nvcuda.dll"],
            (DeviceKind.Cuda, false) => ["libcuda.so.1", "libcuda.so", "libcuda.dylib"],
            (_, true) => ["OpenCL.dll"],
            _ => ["libOpenCL.so.1", "libOpenCL.so", "/System/Library/Frameworks/OpenCL.framework/OpenCL"],
        };
        foreach (string name in names)
        {
            if (System.Runtime.InteropServices.NativeLibrary.TryLoad(name, out var handle))
            {
                System.Runtime.InteropServices.NativeLibrary.Free(handle);
                return null;
            }
        }

        return string.Join(" / ", names.Take(2));
    }

    private static Context CreateContext(DeviceKind kind, int simulatedGroup = 0) => kind switch
    {
        DeviceKind.Cuda => Context.Create(b => b.Cuda()),
        DeviceKind.OpenCL => Context.Create(b => b.OpenCL()),
        _ => Context.Create(b => b.CPU(IlgpuCpuConfig.CreateDevice(simulatedGroup))),
    };

    private static List<Device> DevicesOf(Context context, DeviceKind kind) => kind switch
    {
        DeviceKind.Cuda => [.. context.GetDevices<CudaDevice>()],
        DeviceKind.OpenCL => [.. context.GetDevices<CLDevice>()],
        _ => [.. context.GetDevices<CPUDevice>()],
    };

    private static string KindPrefix(DeviceKind kind) => kind == DeviceKind.Cuda ? "cuda" : "opencl";

    private static DeviceInfo Describe(Device device, DeviceKind kind, string id) =>
        new(id, kind, device.Name, kind == DeviceKind.IlgpuCpu ? -1 : device.MemorySize, device.NumMultiprocessors, device.MaxNumThreadsPerGroup, device.WarpSize);
}
