using System.Collections.Frozen;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Runtime.Planning;

/// <summary>How <see cref="MemoryPlanner"/> lays out the activation arena.</summary>
public sealed record MemoryPlanOptions
{
    /// <summary>
    /// Ops whose kernels may run with the output buffer equal to the first input's: elementwise
    /// ops, per-channel affine ops, row-wise Softmax and the pass-through ops. The planner also
    /// requires the output to have the input's element count.
    /// </summary>
    public static IReadOnlySet<OpKind> DefaultInPlaceKinds { get; } = new[]
    {
        OpKind.Relu, OpKind.Sigmoid, OpKind.Add, OpKind.ChannelScale, OpKind.BatchNorm,
        OpKind.Softmax, OpKind.Dropout, OpKind.Identity, OpKind.Flatten, OpKind.Clip, OpKind.Scale,
    }.ToFrozenSet();

    /// <summary>The defaults: <see cref="DefaultInPlaceKinds"/>, 64-float (256-byte) alignment.</summary>
    public static MemoryPlanOptions Default { get; } = new();

    /// <summary>Ops that may overwrite their first input; empty disables in-place execution.</summary>
    public IReadOnlySet<OpKind> InPlaceKinds { get; init; } = DefaultInPlaceKinds;

    /// <summary>Every slot offset is a multiple of this many floats (≥ 1); 64 floats = 256 bytes suits coalesced device access.</summary>
    public int Alignment { get; init; } = 64;
}
