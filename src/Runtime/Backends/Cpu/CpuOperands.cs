using CnnGpu.Runtime.Graph;

namespace CnnGpu.Runtime.Backends.Cpu;

/// <summary>Which operands the CPU kernels need as constants (they are packed at prepare time).</summary>
internal static class CpuOperands
{
    /// <summary>Why the CPU backend cannot run the request's node, or null when it can.</summary>
    /// <param name="request">The request.</param>
    public static string? WhyUnsupported(KernelRequest request)
    {
        int[] constant = request.Node.Kind switch
        {
            OpKind.Conv2d => request.Attributes is Conv2dAttrs c && c.HasBias(request.Inputs.Length) ? [1, 2] : [1],
            OpKind.FullyConnected => [.. Enumerable.Range(1, request.Inputs.Length - 1)],
            OpKind.BatchNorm => [1, 2, 3, 4],
            _ => [],
        };
        foreach (int i in constant)
        {
            if (i < request.Inputs.Length && !request.Inputs[i].IsConstant)
            {
                return $"input {i} must be a constant (it is packed when the plan is built)";
            }
        }

        return null;
    }
}
