using System.Reflection;
using CnnGpu.Kernels.Ilgpu;
using ILGPU;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.OpenCL;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace CnnGpu.Tests.Ilgpu;

/// <summary>
/// Compiles the ILGPU kernels for a GPU without one: ILGPU's <see cref="PTXBackend"/> and <see cref="CLBackend"/>
/// run entirely on the host, so a kernel that would fail to compile for CUDA or OpenCL fails here.
/// </summary>
/// <remarks>
/// The kernel list is the one <see cref="IlgpuKernelSet"/> loads (every generic instantiation included), read
/// from a real set opened on ILGPU's CPU accelerator, so nothing the backend loads can be missed. The context is
/// built with the defaults the real accelerators use (BackendFactory: <c>Context.Create(b =&gt; b.Cuda())</c>,
/// default optimisation level, no ILGPU.Algorithms).
/// </remarks>
public sealed class OfflineKernelCompiler : IDisposable
{
    private readonly Context _context;

    /// <summary>Opens a CPU context, compiles the kernel set for it once and keeps its kernel list.</summary>
    public OfflineKernelCompiler()
    {
        // A small simulated device (4 threads × 16 warps = 64-thread groups): only the kernel list is needed.
        _context = Context.Create(b => b.CPU(new CPUDevice(4, 16, 1)));
        using var accelerator = _context.CreateCPUAccelerator(0);
        using var set = new IlgpuKernelSet(accelerator);
        Kernels = [.. set.Kernels];
    }

    /// <summary>Every kernel method <see cref="IlgpuKernelSet"/> loads, generic instantiations included.</summary>
    public IReadOnlyList<MethodInfo> Kernels { get; }

    /// <summary>The offline targets: PTX for three CUDA generations and OpenCL C 2.0.</summary>
    public static IReadOnlyList<string> Targets { get; } = ["sm_70", "sm_80", "sm_90", "opencl-c-2.0"];

    /// <summary>A readable name: <c>Class.Method</c>, with the operand types of a generic instantiation.</summary>
    /// <param name="kernel">The kernel method.</param>
    public static string Describe(MethodInfo kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        string name = $"{kernel.DeclaringType?.Name}.{kernel.Name}";
        return kernel.IsGenericMethod
            ? $"{name}<{string.Join(", ", kernel.GetGenericArguments().Select(t => t.Name))}>"
            : name;
    }

    /// <summary>A backend for <paramref name="target"/> (one of <see cref="Targets"/>); the caller disposes it.</summary>
    /// <param name="target">sm_70, sm_80, sm_90 or opencl-c-2.0.</param>
    public Backend CreateBackend(string target) => target switch
    {
        "sm_70" or "sm_80" or "sm_90" => Ptx(Architecture(target)!.Value),

        // The strictest OpenCL 2.0 device: no fp16, no fp64, no generic address space, no 64-bit atomics, no
        // sub-groups, so a kernel that quietly needs an optional feature fails here rather than on some GPU.
        "opencl-c-2.0" => new CLBackend(
            _context, new CLCapabilityContext(false, false, false, false, false), CLDeviceVendor.Other, CLCVersion.CL20),
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, $"Targets: {string.Join(", ", Targets)}."),
    };

    // PTX ISA 7.8: the first that knows sm_90, it accepts every older target, and it is the newest that CUDA 11.8's
    // ptxas reads (a GPU's driver takes any ISA up to its own). No NVVM: ILGPU's own PTX generator, as on a GPU.
    // ILGPU 1.5.3 writes `.target sm_80` for SM_90: the header names its capability context's TargetArchitecture, the
    // oldest architecture with every capability it knows, and none of those is newer than sm_80. The driver
    // JIT-compiles that PTX for the sm_90 device, so it runs; it just never says sm_90.
    private PTXBackend Ptx(CudaArchitecture architecture) =>
        new(_context, architecture, CudaInstructionSet.ISA_78, null!);

    /// <summary>The CUDA architecture a PTX target names (null for OpenCL).</summary>
    /// <param name="target">One of <see cref="Targets"/>.</param>
    public static CudaArchitecture? Architecture(string target) => target switch
    {
        "sm_70" => CudaArchitecture.SM_70,
        "sm_80" => CudaArchitecture.SM_80,
        "sm_90" => CudaArchitecture.SM_90,
        _ => null,
    };

    /// <summary>Compiles one explicitly grouped kernel and returns its PTX or OpenCL C source.</summary>
    /// <param name="backend">A backend from <see cref="CreateBackend"/>.</param>
    /// <param name="kernel">One of <see cref="Kernels"/>.</param>
    /// <returns>The generated source and the entry point's name in it.</returns>
    public static (string Source, string EntryName) Compile(Backend backend, MethodInfo kernel)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var entry = EntryPointDescription.FromExplicitlyGroupedKernel(kernel);
        var compiled = backend.Compile(entry, default(KernelSpecialization));
        return compiled switch
        {
            PTXCompiledKernel ptx => (ptx.PTXAssembly, compiled.Name),
            CLCompiledKernel cl => (cl.Source, compiled.Name),
            _ => throw new InvalidOperationException($"Unexpected compiled kernel {compiled.GetType().Name}."),
        };
    }

    /// <inheritdoc />
    public void Dispose() => _context.Dispose();
}
