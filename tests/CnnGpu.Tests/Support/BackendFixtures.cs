using CnnGpu.Runtime;
using CnnGpu.Runtime.Backends;

namespace CnnGpu.Tests.Support;

/// <summary>
/// Opens one backend for a whole test collection. A device that is absent leaves
/// <see cref="Backend"/> null and records why, so its tests are reported as skipped with that reason.
/// </summary>
public abstract class BackendFixture : IDisposable
{
    protected BackendFixture(string name)
    {
        Name = name;
        try
        {
            Backend = BackendFactory.Open(name);
        }
        catch (DeviceException e)
        {
            SkipReason = $"{name} backend unavailable on this machine: {e.Message}";
        }
    }

    public string Name { get; }

    public IBackend? Backend { get; }

    public string? SkipReason { get; }

    /// <summary>The backend, or a skip (never a silent pass) when the device is absent.</summary>
    public IBackend Require()
    {
        Skip.If(Backend is null, SkipReason);
        return Backend!;
    }

    public void Dispose()
    {
        Backend?.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class ReferenceFixture() : BackendFixture("reference");

public sealed class IlgpuCpuFixture() : BackendFixture("ilgpu-cpu");

public sealed class CudaFixture() : BackendFixture("cuda");

public sealed class OpenClFixture() : BackendFixture("opencl");

[CollectionDefinition(Name)]
public sealed class OnReference : ICollectionFixture<ReferenceFixture>
{
    public const string Name = "reference backend";
}

[CollectionDefinition(Name)]
public sealed class OnIlgpuCpu : ICollectionFixture<IlgpuCpuFixture>
{
    public const string Name = "ilgpu-cpu backend";
}

[CollectionDefinition(Name)]
public sealed class OnCuda : ICollectionFixture<CudaFixture>
{
    public const string Name = "cuda backend";
}

[CollectionDefinition(Name)]
public sealed class OnOpenCl : ICollectionFixture<OpenClFixture>
{
    public const string Name = "opencl backend";
}
