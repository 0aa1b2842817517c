using System.Collections.Immutable;

namespace CnnGpu.Runtime.Planning;

/// <summary>One step of an execution schedule as the memory planner sees it.</summary>
/// <param name="Inputs">Value ids the step reads.</param>
/// <param name="Output">The value id it writes.</param>
/// <param name="MayRunInPlace">Whether its output may share storage with <c>Inputs[0]</c>.</param>
public sealed record ScheduledStep(ImmutableArray<int> Inputs, int Output, bool MayRunInPlace);

/// <summary>
/// What <see cref="MemoryPlanner"/> lays out: steps in execution order over value ids (a graph's nodes,
/// or the steps of a plan with layout conversions added), the floats each value occupies in the
/// layout its producer writes, and the values that live outside the arena (graph outputs).
/// Values no step writes (graph inputs, constants) are never planned.
/// </summary>
/// <param name="Steps">Steps in execution order.</param>
/// <param name="StorageLengths">Floats each value occupies, indexed by value id.</param>
/// <param name="External">Step outputs that get buffers of their own.</param>
public sealed record Schedule(IReadOnlyList<ScheduledStep> Steps, IReadOnlyList<int> StorageLengths, IReadOnlySet<int> External)
{
    /// <summary>
    /// Values stored inside another value (a concatenation's inputs written straight into their channel slice of
    /// its output): they get no storage of their own; the root lives from the first alias's producer to its own last reader.
    /// </summary>
    public IReadOnlyDictionary<int, ValueAlias> Aliases { get; init; } = new Dictionary<int, ValueAlias>();
}

/// <summary>A value stored inside another one.</summary>
/// <param name="Root">The value whose storage holds it.</param>
/// <param name="Offset">Floats from the root's first float to the alias's.</param>
public readonly record struct ValueAlias(int Root, int Offset);
