using CnnGpu.Runtime.Graph;

namespace CnnGpu.Networks.Onnx.Converters;

/// <summary>
/// The window attributes Conv and the pools share: kernel_shape, strides, dilations and padding
/// (explicit <c>pads</c> or <c>auto_pad</c> SAME_UPPER / SAME_LOWER / VALID, computed into explicit pads).
/// </summary>
internal readonly record struct SpatialAttributes(int KernelH, int KernelW, int StrideH, int StrideW, int DilationH, int DilationW, Padding2d Pads, bool AutoPadded)
{
    /// <summary>Reads the attributes of <paramref name="node"/> for an NCHW input of <paramref name="inputShape"/>; <paramref name="kernelFromWeights"/> supplies a missing kernel_shape.</summary>
    public static SpatialAttributes Read(OnnxNode node, long[] inputShape, int[]? kernelFromWeights = null)
    {
        if (inputShape.Length != 4)
        {
            throw node.Error($"only 2-D images (NCHW, rank 4) are supported; the input has shape [{string.Join(", ", inputShape)}].");
        }

        int height = (int)inputShape[2], width = (int)inputShape[3];
        int[] kernel = node.IntsOfLength("kernel_shape", 2, kernelFromWeights ?? [])
            is { Length: 2 } k ? k : throw node.Error("kernel_shape is required.", "kernel_shape");
        if (kernelFromWeights is not null && !kernel.SequenceEqual(kernelFromWeights))
        {
            throw node.Error($"kernel_shape [{kernel[0]}, {kernel[1]}] differs from the weights' [{kernelFromWeights[0]}, {kernelFromWeights[1]}].", "kernel_shape");
        }

        int[] strides = node.IntsOfLength("strides", 2, [1, 1]);
        int[] dilations = node.IntsOfLength("dilations", 2, [1, 1]);
        if (strides.Any(s => s < 1) || dilations.Any(d => d < 1) || kernel.Any(k => k < 1))
        {
            throw node.Error($"kernel_shape, strides and dilations must be positive, got [{string.Join(", ", kernel)}], [{string.Join(", ", strides)}], [{string.Join(", ", dilations)}].");
        }

        string autoPad = node.String("auto_pad", "NOTSET");
        Padding2d pads;
        switch (autoPad)
        {
            case "NOTSET":
                int[] p = node.IntsOfLength("pads", 4, [0, 0, 0, 0]);
                if (p.Any(v => v < 0))
                {
                    throw node.Error($"negative padding [{string.Join(", ", p)}] is not supported.", "pads");
                }

                pads = new Padding2d(p[0], p[1], p[2], p[3]);
                break;
            case "VALID":
                pads = Padding2d.None;
                break;
            case "SAME_UPPER" or "SAME_LOWER":
                bool upper = autoPad == "SAME_UPPER";
                var (top, bottom) = Same(height, kernel[0], strides[0], dilations[0], upper);
                var (left, right) = Same(width, kernel[1], strides[1], dilations[1], upper);
                pads = new Padding2d(top, left, bottom, right);
                break;
            default:
                throw node.Error($"'{autoPad}' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER.", "auto_pad");
        }

        if (autoPad != "NOTSET" && node.Has("pads") && node.IntsOfLength("pads", 4, [0, 0, 0, 0]).Any(v => v != 0))
        {
            throw node.Error($"explicit pads cannot be combined with auto_pad {autoPad}.", "pads");
        }

        return new SpatialAttributes(kernel[0], kernel[1], strides[0], strides[1], dilations[0], dilations[1], pads, autoPad is "SAME_UPPER" or "SAME_LOWER");
    }

    /// <summary>Pooling window (dilation must be 1).</summary>
    public PoolWindow Window(OnnxNode node, bool ceilMode)
    {
        if (DilationH != 1 || DilationW != 1)
        {
            throw node.Error($"dilated pooling [{DilationH}, {DilationW}] is not supported (only 1).", "dilations");
        }

        // SAME padding already yields ceil(in / stride) outputs; ceil_mode does not apply on top.
        return new PoolWindow(KernelH, KernelW, StrideH, StrideW, Pads, ceilMode && !AutoPadded);
    }

    private static (int Begin, int End) Same(int input, int kernel, int stride, int dilation, bool upper)
    {
        int output = (input + stride - 1) / stride;
        int total = Math.Max(0, ((output - 1) * stride) + ((kernel - 1) * dilation) + 1 - input);
        int begin = upper ? total / 2 : total - (total / 2);
        return (begin, total - begin);
    }
}
