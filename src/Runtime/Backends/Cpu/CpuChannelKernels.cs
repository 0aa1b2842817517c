using CnnGpu.Kernels.Simd;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Runtime.Backends.Cpu;

/// <summary>
/// Clip, constant scale, channel shuffle and channel slice on the CPU. All four run in whatever layout their
/// input arrives in, blocked included, so a ShuffleNet or MobileNet stays blocked between its convolutions.
/// </summary>
/// <typeparam name="TS">SIMD width.</typeparam>
/// <typeparam name="TV">Its vector type.</typeparam>
internal static unsafe class CpuChannelKernels<TS, TV>
    where TS : struct, ISimd<TV>
    where TV : unmanaged
{
    public static CpuKernel Clip(CpuBackend<TS, TV> backend, KernelRequest request, IConstantStore store)
    {
        var a = (ClipAttrs)request.Attributes;

        // A clip that moves 0 would break the zeros of a blocked tensor's padding lanes: partial blocks go through NCHW.
        var x = request.Inputs[0];
        bool movesZero = a.Min > 0f || a.Max < 0f;
        var layout = x.Layout.IsBlocked && movesZero && x.Shape[1] % TS.Width != 0 ? TensorLayout.Nchw : x.Layout;
        return ScaleClamp(backend, request, "clip", layout, 1f, a.Min, a.Max);
    }

    public static CpuKernel Scale(CpuBackend<TS, TV> backend, KernelRequest request, IConstantStore store) =>
        ScaleClamp(backend, request, "scale", request.Inputs[0].Layout, ((ScaleAttrs)request.Attributes).Factor, float.NegativeInfinity, float.PositiveInfinity);

    public static CpuKernel ChannelShuffle(CpuBackend<TS, TV> backend, KernelRequest request, IConstantStore store) =>
        Gather(backend, request, "channel-shuffle");

    public static CpuKernel ChannelSlice(CpuBackend<TS, TV> backend, KernelRequest request, IConstantStore store) =>
        Gather(backend, request, "channel-slice");

    private static DelegateCpuKernel ScaleClamp(CpuBackend<TS, TV> backend, KernelRequest request, string name, TensorLayout layout, float factor, float min, float max)
    {
        backend.Choose(request, name);
        var kernel = new ScaleClamp<TS, TV>(layout.StorageLength(request.InputShape(0)), factor, min, max);
        return new DelegateCpuKernel(name, layout, [layout], true,
            (inputs, output) => kernel.Run(backend.Pool, CpuKernel.Address(inputs[0]), CpuKernel.Address(output)));
    }

    private static DelegateCpuKernel Gather(CpuBackend<TS, TV> backend, KernelRequest request, string name)
    {
        backend.Choose(request, name);
        var layout = request.Inputs[0].Layout.IsBlocked ? CpuBackend<TS, TV>.Blocked : TensorLayout.Nchw;
        var copy = new ChannelGatherCopy<TS, TV>(KernelGeometry.ChannelGather(request), layout.IsBlocked);
        return new DelegateCpuKernel(layout.IsBlocked ? name + "/blocked" : name, layout, [layout], false,
            (inputs, output) => copy.Run(backend.Pool, CpuKernel.Address(inputs[0]), CpuKernel.Address(output)));
    }
}
