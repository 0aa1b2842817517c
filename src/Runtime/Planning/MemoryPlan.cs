namespace CnnGpu.Runtime.Planning;

/// <summary>
/// The activation layout of one graph at one batch size: every intermediate value's
/// <see cref="Slot"/> in a single arena of floats. Graph inputs, constants and graph outputs are
/// not in the arena (the executor gives them their own buffers). Values whose lifetimes overlap
/// never share a float, except an in-place node's output and its first input, which share one slot.
/// Built by <see cref="MemoryPlanner"/>.
/// </summary>
public sealed class MemoryPlan
{
    private readonly Slot?[] _slots;
    private readonly ValueLifetime?[] _lifetimes;

    internal MemoryPlan(Slot?[] slots, ValueLifetime?[] lifetimes, long arenaLength, IReadOnlySet<int> inPlace, int alignment, IReadOnlyCollection<int>? aliases = null)
    {
        _slots = slots;
        _lifetimes = lifetimes;
        ArenaLength = arenaLength;
        InPlace = inPlace;
        Alignment = alignment;
        Aliases = aliases?.ToHashSet() ?? [];
        NaiveActivationBytes = slots.Where((_, id) => !Aliases.Contains(id)).Sum(s => s is { } slot ? (long)slot.Length * sizeof(float) : 0L);
    }

    /// <summary>Values stored inside another value's slot (a concatenation's inputs written in place); they share its floats by design.</summary>
    public IReadOnlySet<int> Aliases { get; }

    /// <summary>Floats the arena needs (a multiple of <see cref="Alignment"/>).</summary>
    public long ArenaLength { get; }

    /// <summary>Bytes of the arena: the planned peak of intermediate activation memory.</summary>
    public long PeakActivationBytes => ArenaLength * sizeof(float);

    /// <summary>Bytes if every intermediate value had its own buffer (the sum of all intermediate tensors).</summary>
    public long NaiveActivationBytes { get; }

    /// <summary>Indices of the nodes that run in place: their output shares their first input's slot.</summary>
    public IReadOnlySet<int> InPlace { get; }

    /// <summary>Every slot offset is a multiple of this many floats.</summary>
    public int Alignment { get; }

    /// <summary>Ids of the values placed in the arena, ascending.</summary>
    public IEnumerable<int> PlannedValues => Enumerable.Range(0, _slots.Length).Where(id => _slots[id] is not null);

    /// <summary>Where value <paramref name="valueId"/> lives in the arena; null for graph inputs, constants and graph outputs.</summary>
    /// <param name="valueId">A value id of the planned graph.</param>
    /// <exception cref="ArgumentOutOfRangeException">The id is not a value of the graph.</exception>
    public Slot? SlotOf(int valueId) => _slots[CheckId(valueId)];

    /// <summary>The node span during which value <paramref name="valueId"/> occupies its slot; null when it is not planned.</summary>
    /// <param name="valueId">A value id of the planned graph.</param>
    /// <exception cref="ArgumentOutOfRangeException">The id is not a value of the graph.</exception>
    public ValueLifetime? LifetimeOf(int valueId) => _lifetimes[CheckId(valueId)];

    private int CheckId(int valueId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(valueId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(valueId, _slots.Length);
        return valueId;
    }
}
