using CnnGpu.Kernels.Simd;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Runtime.Backends.Cpu;

/// <summary>
/// Elementwise, per-channel and reshaping ops on the CPU. Most work in whatever layout their input
/// arrives in (an elementwise op does not care where a value sits), so a blocked network stays blocked
/// from its first convolution to its flatten.
/// </summary>
/// <typeparam name="TS">SIMD width.</typeparam>
/// <typeparam name="TV">Its vector type.</typeparam>
internal static unsafe class CpuElementwiseKernels<TS, TV>
    where TS : struct, ISimd<TV>
    where TV : unmanaged
{
    public static CpuKernel Relu(CpuBackend<TS, TV> backend, KernelRequest request, IConstantStore store) =>
        Unary(backend, request, ElementwiseOp.Relu, "relu", request.Inputs[0].Layout);

    public static CpuKernel Sigmoid(CpuBackend<TS, TV> backend, KernelRequest request, IConstantStore store)
    {
        // sigmoid(0) = ½ would break the zeros of a blocked tensor's padding lanes: partial blocks go through NCHW.
        var x = request.Inputs[0];
        var layout = x.Layout.IsBlocked && x.Shape[1] % TS.Width != 0 ? TensorLayout.Nchw : x.Layout;
        return Unary(backend, request, ElementwiseOp.Sigmoid, "sigmoid", layout);
    }

    public static CpuKernel PassThrough(CpuBackend<TS, TV> backend, KernelRequest request, IConstantStore store) =>
        Unary(backend, request, ElementwiseOp.Copy, "copy", request.Inputs[0].Layout);

    public static CpuKernel Flatten(CpuBackend<TS, TV> backend, KernelRequest request, IConstantStore store)
    {
        var x = request.Inputs[0];
        if (!x.Layout.IsBlocked)
        {
            return Unary(backend, request, ElementwiseOp.Copy, "copy", TensorLayout.Nchw);
        }

        // Flattening a blocked tensor is its conversion to NCHW.
        backend.Choose(request, "reorder");
        var convert = new LayoutConversion<TS, TV>(x.Shape[0], x.Shape[1], x.Shape.CountFrom(2), toBlocked: false);
        return new DelegateCpuKernel($"reorder {x.Layout}→NCHW", TensorLayout.Nchw, [x.Layout], false,
            (inputs, output) => convert.Run(backend.Pool, CpuKernel.Address(inputs[0]), CpuKernel.Address(output)));
    }

    public static CpuKernel Softmax(CpuBackend<TS, TV> backend, KernelRequest request, IConstantStore store)
    {
        backend.Choose(request, "softmax");
        var softmax = new Softmax<TS, TV>(KernelGeometry.Channels(request));
        return new DelegateCpuKernel("softmax", TensorLayout.Nchw, [TensorLayout.Nchw], true,
            (inputs, output) => softmax.Run(backend.Pool, CpuKernel.Address(inputs[0]), CpuKernel.Address(output)));
    }

    public static CpuKernel BatchNorm(CpuBackend<TS, TV> backend, KernelRequest request, IConstantStore store)
    {
        backend.Choose(request, "batchnorm");
        var x = request.Inputs[0];
        int channels = x.Shape[1];
        float epsilon = ((BatchNormAttrs)request.Attributes).Epsilon;
        var scale = new AlignedBuffer(channels);
        var shift = new AlignedBuffer(channels);
        ReadOnlySpan<float> gamma = request.Inputs[1].Constant!.Data, beta = request.Inputs[2].Constant!.Data;
        ReadOnlySpan<float> mean = request.Inputs[3].Constant!.Data, variance = request.Inputs[4].Constant!.Data;
        for (int c = 0; c < channels; c++)
        {
            double a = gamma[c] / Math.Sqrt(variance[c] + (double)epsilon);
            scale.Span[c] = (float)a;
            shift.Span[c] = (float)(beta[c] - (mean[c] * a));
        }

        var affine = new ChannelAffine<TS, TV>(x.Shape[0], channels, x.Shape.CountFrom(2), x.Layout.IsBlocked, perImage: false);
        return new DelegateCpuKernel("batchnorm", x.Layout, [x.Layout], true,
            (inputs, output) => affine.Run(backend.Pool, CpuKernel.Address(inputs[0]), scale.Address, shift.Address, CpuKernel.Address(output)), scale, shift);
    }

    public static CpuKernel ChannelScale(CpuBackend<TS, TV> backend, KernelRequest request, IConstantStore store)
    {
        backend.Choose(request, "channel-scale");
        var x = request.Inputs[0];
        var gate = request.Inputs[1];
        var affine = new ChannelAffine<TS, TV>(x.Shape[0], x.Shape[1], x.Shape.CountFrom(2), x.Layout.IsBlocked, perImage: true);
        float* constantGate = gate.IsConstant ? ((CpuBuffer)store.Flat(gate.ValueId)).Address : null;
        return new DelegateCpuKernel("channel-scale", x.Layout, [x.Layout, TensorLayout.Nchw], true,
            (inputs, output) => affine.Run(backend.Pool, CpuKernel.Address(inputs[0]), constantGate is null ? CpuKernel.Address(inputs[1]) : constantGate, null, CpuKernel.Address(output)));
    }

    public static CpuKernel Add(CpuBackend<TS, TV> backend, KernelRequest request, IConstantStore store)
    {
        bool relu = request.Attributes is AddAttrs { Activation: FusedActivation.Relu };
        string name = backend.Choose(request, relu ? "add+relu" : "add");
        var a = request.Inputs[0];
        var b = request.Inputs[1];
        var layout = a.Layout;
        int length = layout.StorageLength(request.OutputShape);
        int period = layout.StorageLength(b.Shape);
        var add = new Elementwise<TS, TV>(relu ? ElementwiseOp.AddRelu : ElementwiseOp.Add, length, period);
        AlignedBuffer? constant = null;
        if (b.IsConstant)
        {
            // A constant operand (a mean image) is laid out once, here, in the layout of the other operand.
            constant = new AlignedBuffer(period);
            ToLayout(b.Constant!.Data, b.Shape, layout, constant);
        }

        var owned = constant is null ? Array.Empty<IDisposable>() : [constant];
        return new DelegateCpuKernel(name, layout, [layout, layout], true,
            (inputs, output) => add.Run(backend.Pool, CpuKernel.Address(inputs[0]), constant is null ? CpuKernel.Address(inputs[1]) : constant.Address, CpuKernel.Address(output)), owned);
    }

    public static CpuKernel Concat(CpuBackend<TS, TV> backend, KernelRequest request, IConstantStore store)
    {
        backend.Choose(request, "concat");
        if (request.Inputs.Any(i => i.IsConstant))
        {
            throw new UnsupportedNodeException(backend.Name, request.Node, "concatenating a constant is not supported");
        }

        int[] channels = [.. request.Inputs.Select(i => i.Shape[1])];
        bool blocked = request.Inputs[0].Layout.IsBlocked && channels[..^1].All(c => c % TS.Width == 0);
        var layout = blocked ? CpuBackend<TS, TV>.Blocked : TensorLayout.Nchw;
        var copy = new ConcatCopy<TS, TV>(request.OutputShape[0], channels, request.OutputShape.CountFrom(2), blocked);
        var pointers = new float*[channels.Length];
        return new DelegateCpuKernel(blocked ? "concat/blocked" : "concat", layout, [.. Enumerable.Repeat(layout, channels.Length)], false, (inputs, output) =>
        {
            for (int i = 0; i < pointers.Length; i++)
            {
                pointers[i] = CpuKernel.Address(inputs[i]);
            }

            copy.Run(backend.Pool, pointers, CpuKernel.Address(output));
        });
    }

    public static CpuKernel Conversion(CpuBackend<TS, TV> backend, TensorShape shape, TensorLayout source, TensorLayout target)
    {
        var blocked = CpuBackend<TS, TV>.Blocked;
        bool toBlocked = source == TensorLayout.Nchw && target == blocked;
        if ((!toBlocked && !(source == blocked && target == TensorLayout.Nchw)) || shape.Rank < 3)
        {
            throw new UnsupportedNodeException($"Backend '{backend.Name}' converts rank-3+ tensors between NCHW and {blocked} only; asked for {source} → {target} of {shape}.");
        }

        var convert = new LayoutConversion<TS, TV>(shape[0], shape[1], shape.CountFrom(2), toBlocked);
        return new DelegateCpuKernel($"reorder {source}→{target}", target, [source], false,
            (inputs, output) => convert.Run(backend.Pool, CpuKernel.Address(inputs[0]), CpuKernel.Address(output)));
    }

    private static DelegateCpuKernel Unary(CpuBackend<TS, TV> backend, KernelRequest request, ElementwiseOp op, string name, TensorLayout layout)
    {
        backend.Choose(request, name);
        var kernel = new Elementwise<TS, TV>(op, layout.StorageLength(request.InputShape(0)));
        return new DelegateCpuKernel(name, layout, [layout], true,
            (inputs, output) => kernel.Run(backend.Pool, CpuKernel.Address(inputs[0]), null, CpuKernel.Address(output)));
    }

    /// <summary>Writes NCHW <paramref name="data"/> of <paramref name="shape"/> into <paramref name="destination"/> in <paramref name="layout"/>.</summary>
    private static void ToLayout(ReadOnlySpan<float> data, TensorShape shape, TensorLayout layout, AlignedBuffer destination)
    {
        if (!layout.IsBlocked)
        {
            data.CopyTo(destination.Span);
            return;
        }

        int w = layout.ChannelBlock, channels = shape[1], spatial = shape.CountFrom(2), blocks = layout.PaddedChannels(channels) / w;
        var span = destination.Span;
        for (int n = 0; n < shape[0]; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                for (int p = 0; p < spatial; p++)
                {
                    span[(((((n * blocks) + (c / w)) * spatial) + p) * w) + (c % w)] = data[(((n * channels) + c) * spatial) + p];
                }
            }
        }
    }

}
