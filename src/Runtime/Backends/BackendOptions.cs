namespace CnnGpu.Runtime.Backends;

/// <summary>Settings for <see cref="BackendFactory.Open"/>.</summary>
public sealed record BackendOptions
{
    /// <summary>The defaults: one CPU worker per core.</summary>
    public static BackendOptions Default { get; } = new();

    /// <summary>Worker threads of the SIMD CPU backend (null: one per core); GPU backends ignore it.</summary>
    public int? Threads { get; init; }
}
