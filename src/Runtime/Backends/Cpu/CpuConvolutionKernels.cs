using CnnGpu.Kernels;
using CnnGpu.Kernels.Simd;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Runtime.Backends.Cpu;

/// <summary>
/// Convolution and fully connected layers on the CPU: the algorithm is chosen per layer shape when the
/// plan is built, the weights are packed then (once per model, shared by every batch size's plan).
/// </summary>
/// <typeparam name="TS">SIMD width.</typeparam>
/// <typeparam name="TV">Its vector type.</typeparam>
internal static unsafe class CpuConvolutionKernels<TS, TV>
    where TS : struct, ISimd<TV>
    where TV : unmanaged
{
    /// <summary>Pixels (or Winograd tiles, or batch rows) per register tile.</summary>
    public static int TilePixels => ConvTile.PreferredPixels(TS.Width);

    public static CpuKernel Convolution(CpuBackend<TS, TV> backend, KernelRequest request, IConstantStore store)
    {
        var g = KernelGeometry.Conv(request);
        var attrs = (Conv2dAttrs)request.Attributes;
        var x = request.Inputs[0];
        var weights = request.Inputs[1];
        var bias = g.HasBias ? request.Inputs[2] : null;
        var epilogue = new ConvEpilogue(g.FuseRelu, attrs.Residual, g.FuseRelu6);
        int residual = attrs.Residual ? request.Inputs.Length - 1 : -1;

        // A first layer of three channels reads its NCHW input directly instead of padding it to a block.
        bool nchwFirst = !x.Layout.IsBlocked && g.InChannels < TS.Width;
        var candidates = new List<string>();
        if (g.IsDepthwise)
        {
            candidates.Add("conv/depthwise");
        }

        if (nchwFirst)
        {
            candidates.Add("conv/nchw-direct");
        }

        bool winograd = g.IsWinogradCandidate;
        if (winograd && !nchwFirst && PrefersWinograd(g, backend.Threads))
        {
            candidates.Add("conv/winograd-4x4");
        }

        if (g.IsPointwise)
        {
            candidates.Add("conv/pointwise");
        }

        candidates.Add("conv/direct");
        if (winograd && !candidates.Contains("conv/winograd-4x4"))
        {
            candidates.Add("conv/winograd-4x4");
        }

        if (!nchwFirst)
        {
            candidates.Add("conv/nchw-direct");
        }

        string family = backend.Choose(request, [.. candidates]);
        var blocked = CpuBackend<TS, TV>.Blocked;
        bool blockedInput = family != "conv/nchw-direct";

        // x in the layout the algorithm reads, constants as given, the residual laid out like the output.
        TensorLayout[] layouts = [.. request.Inputs.Select((_, i) => i == residual || (i == 0 && blockedInput) ? blocked : TensorLayout.Nchw)];
        string suffix = attrs.Residual ? "+residual" : string.Empty;
        if (family == "conv/depthwise")
        {
            var depthwise = new DepthwiseConvolution<TS, TV>(g, weights.Constant!.Data, bias?.Constant!.Data ?? [], epilogue);
            return new CpuConvolutionKernel(depthwise.Algorithm + suffix, blocked, [.. layouts], depthwise, attrs.Residual,
                (inputs, output) => depthwise.Run(backend.Pool, CpuKernel.Address(inputs[0]), CpuKernel.Address(output), residual < 0 ? null : CpuKernel.Address(inputs[residual])), depthwise);
        }

        if (family == "conv/winograd-4x4")
        {
            var transformed = store.GetOrAdd($"winograd/{weights.ValueId}/{bias?.ValueId ?? -1}", () => new WinogradWeights(g, TS.Width, weights.Constant!.Data, bias?.Constant!.Data ?? []));
            var fast = new WinogradConvolution<TS, TV>(g, transformed, epilogue, TilePixels, backend.Threads);
            return new CpuConvolutionKernel(fast.Algorithm + suffix, blocked, [.. layouts], fast, attrs.Residual,
                (inputs, output) => fast.Run(backend.Pool, CpuKernel.Address(inputs[0]), CpuKernel.Address(output), residual < 0 ? null : CpuKernel.Address(inputs[residual])), fast);
        }

        string key = $"conv/{weights.ValueId}/{bias?.ValueId ?? -1}/{(blockedInput ? "blocked" : "nchw")}";
        var packed = store.GetOrAdd(key, () => new PackedConvWeights(g, TS.Width, blockedInput, weights.Constant!.Data, bias?.Constant!.Data ?? []));
        var conv = new DirectConvolution<TS, TV>(g, blockedInput, packed, epilogue, backend.Threads, pointwise: family == "conv/pointwise");
        return new CpuConvolutionKernel(conv.Algorithm + suffix, blocked, [.. layouts], conv, attrs.Residual,
            (inputs, output) => conv.Run(backend.Pool, CpuKernel.Address(inputs[0]), CpuKernel.Address(output), residual < 0 ? null : CpuKernel.Address(inputs[residual])), conv);
    }

    public static CpuKernel FullyConnected(CpuBackend<TS, TV> backend, KernelRequest request, IConstantStore store)
    {
        var a = (FullyConnectedAttrs)request.Attributes;
        var xShape = request.InputShape(0);
        int batch = xShape[0], inFeatures = xShape[1], outFeatures = request.OutputShape[1];
        var weights = request.Inputs[1];
        var bias = request.Inputs.Length > 2 ? request.Inputs[2] : null;
        backend.Choose(request, "gemm/packed");
        var packed = store.GetOrAdd(
            $"fc/{weights.ValueId}/{bias?.ValueId ?? -1}",
            () => FullyConnectedPacking.Pack(weights.Constant!.Data, bias?.Constant!.Data ?? [], inFeatures, outFeatures, a.TransposedWeight, TS.Width));
        var fc = new FullyConnected<TS, TV>(batch, inFeatures, outFeatures, packed, a.Activation == FusedActivation.Relu, TilePixels);
        return new DelegateCpuKernel(fc.Algorithm, TensorLayout.Nchw, [TensorLayout.Nchw], false,
            (inputs, output) => fc.Run(backend.Pool, CpuKernel.Address(inputs[0]), CpuKernel.Address(output)), fc);
    }

    /// <summary>
    /// Whether Winograd F(4×4, 3×3) should beat the direct method on <paramref name="g"/>. It does a quarter of the
    /// multiplies (plus transforms, ~60% on top), but its transformed weights are 4× the layer's and are streamed once per
    /// super-chunk of tiles: a 256→256 layer on a 14×14 image at batch 1 reads 9.4 MB of weights for 16 tiles and loses
    /// (measured); the same layer at batch 8, 128→192 on 28×28 or 256→256 on 56×56 (1.4×, measured) win. The direct time saved must be at least twice the
    /// time to stream the weights, with little waste where the image is not a multiple of 4 and enough work for every thread.
    /// </summary>
    private static bool PrefersWinograd(in ConvGeometry g, int threads)
    {
        const double FlopsPerSecond = 150e9, BytesPerSecond = 40e9;   // the transformed weights mostly stream from the L3 cache
        int tilesY = (g.OutHeight + 3) / 4, tilesX = (g.OutWidth + 3) / 4;
        double waste = 16.0 * tilesY * tilesX / (g.OutHeight * g.OutWidth);
        double directFlops = 2.0 * g.Batch * g.OutHeight * g.OutWidth * g.OutChannels * g.InChannels * 9;
        double saved = directFlops * (1 - (0.25 * 1.6 * waste)) / (FlopsPerSecond * threads);
        double streaming = WinogradPlanning.Passes(g, TS.Width, TilePixels) * WinogradPlanning.WeightBytes(g, TS.Width) / BytesPerSecond;
        int tiles = g.Batch * tilesY * tilesX;
        return g.InChannels >= 32 && g.OutChannels >= 32 && waste <= 1.35 && tiles >= 2 * TilePixels && saved > 2 * streaming;
    }

}
