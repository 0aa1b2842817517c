using CnnGpu.Kernels.Simd;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Runtime.Backends.Cpu;

/// <summary>Pooling and LRN on the CPU, on channel-blocked tensors (a vector holds one pixel's channels of a block).</summary>
/// <typeparam name="TS">SIMD width.</typeparam>
/// <typeparam name="TV">Its vector type.</typeparam>
internal static unsafe class CpuSpatialKernels<TS, TV>
    where TS : struct, ISimd<TV>
    where TV : unmanaged
{
    public static CpuKernel MaxPool(CpuBackend<TS, TV> backend, KernelRequest request, IConstantStore store) =>
        Pool(backend, request, ((MaxPoolAttrs)request.Attributes).Window, countIncludePad: false, max: true);

    public static CpuKernel AvgPool(CpuBackend<TS, TV> backend, KernelRequest request, IConstantStore store)
    {
        var a = (AvgPoolAttrs)request.Attributes;
        return Pool(backend, request, a.Window, a.CountIncludePad, max: false);
    }

    public static CpuKernel GlobalAvgPool(CpuBackend<TS, TV> backend, KernelRequest request, IConstantStore store)
    {
        var x = request.InputShape(0);
        backend.Choose(request, "pool/global-avg-blocked");
        var pool = new BlockedGlobalAveragePooling<TS, TV>(x[0], x[1], x.CountFrom(2));
        var blocked = CpuBackend<TS, TV>.Blocked;
        return new DelegateCpuKernel("pool/global-avg-blocked", blocked, [blocked], false,
            (inputs, output) => pool.Run(backend.Pool, CpuKernel.Address(inputs[0]), CpuKernel.Address(output)));
    }

    public static CpuKernel Lrn(CpuBackend<TS, TV> backend, KernelRequest request, IConstantStore store)
    {
        backend.Choose(request, "lrn/blocked");
        var lrn = new BlockedLrn<TS, TV>(KernelGeometry.Lrn(request));
        var blocked = CpuBackend<TS, TV>.Blocked;
        return new DelegateCpuKernel("lrn/blocked", blocked, [blocked], false,
            (inputs, output) => lrn.Run(backend.Pool, CpuKernel.Address(inputs[0]), CpuKernel.Address(output)));
    }

    private static DelegateCpuKernel Pool(CpuBackend<TS, TV> backend, KernelRequest request, PoolWindow window, bool countIncludePad, bool max)
    {
        var pool = new BlockedPooling<TS, TV>(KernelGeometry.Pool(request, window, countIncludePad), max);
        backend.Choose(request, pool.Algorithm);
        var blocked = CpuBackend<TS, TV>.Blocked;
        return new DelegateCpuKernel(pool.Algorithm, blocked, [blocked], false,
            (inputs, output) => pool.Run(backend.Pool, CpuKernel.Address(inputs[0]), CpuKernel.Address(output)));
    }

}
