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

/// <summary>ILGPU's CPU accelerator simulating 256-thread groups: the 16×16-thread tiles a GPU runs.</summary>
public sealed class IlgpuCpu256Fixture() : BackendFixture("ilgpu-cpu:256");

/// <summary>The SIMD CPU backend at the widest width this machine runs (AVX-512 here).</summary>
public sealed class CpuFixture() : BackendFixture("cpu");

/// <summary>The SIMD CPU backend forced to 256-bit vectors (the AVX2 path).</summary>
public sealed class Cpu256Fixture() : BackendFixture("cpu:256");

/// <summary>The SIMD CPU backend forced to 128-bit vectors (the SSE/NEON path).</summary>
public sealed class Cpu128Fixture() : BackendFixture("cpu:128");

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
public sealed class OnIlgpuCpu256 : ICollectionFixture<IlgpuCpu256Fixture>
{
    public const string Name = "ilgpu-cpu:256 backend";
}

[CollectionDefinition(Name)]
public sealed class OnCpu : ICollectionFixture<CpuFixture>
{
    public const string Name = "cpu backend";
}

[CollectionDefinition(Name)]
public sealed class OnCpu256 : ICollectionFixture<Cpu256Fixture>
{
    public const string Name = "cpu backend, 256-bit";
}

[CollectionDefinition(Name)]
public sealed class OnCpu128 : ICollectionFixture<Cpu128Fixture>
{
    public const string Name = "cpu backend, 128-bit";
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
