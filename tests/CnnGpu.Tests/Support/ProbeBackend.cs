using System.Diagnostics.CodeAnalysis;
using CnnGpu.Runtime;
using CnnGpu.Runtime.Backends;
using CnnGpu.Runtime.Backends.Reference;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Tests.Support;

/// <summary>
/// The scalar reference backend with instruments: launches and host↔device copies counted, the order of every
/// upload, launch, synchronisation and download (<see cref="Trace"/>), how many of them ran at the same time at
/// most (each launch lingers a little so overlaps show), and a node whose preparation fails.
/// </summary>
internal sealed class ProbeBackend : IBackend
{
    private readonly ReferenceBackend _inner = new();
    private int _inside;
    private int _maxInside;

    /// <summary>A node name whose preparation throws (to fail a plan midway); null for none.</summary>
    public string? FailPreparing { get; init; }

    /// <summary>Called before each launch with the number of launches before it (to cancel a run midway).</summary>
    public Action<int>? OnLaunch { get; set; }

    /// <summary>Most launches or copies that were in progress at once.</summary>
    public int MaxConcurrent => Volatile.Read(ref _maxInside);

    /// <summary>Launches so far.</summary>
    public int Launches => Volatile.Read(ref _launches);

    /// <summary>Host-to-device copies so far.</summary>
    public int Uploads => Volatile.Read(ref _uploads);

    /// <summary>Device-to-host copies so far.</summary>
    public int Downloads => Volatile.Read(ref _downloads);

    /// <summary>
    /// Every call in order since the last <see cref="Reset"/>: <c>U</c> upload, <c>L</c> launch, <c>S</c> synchronise,
    /// <c>D</c> download (one run of a three-node plan without host waits between nodes reads <c>ULLLSD</c>).
    /// </summary>
    public string Trace
    {
        get
        {
            lock (_trace)
            {
                return _trace.ToString();
            }
        }
    }

    private readonly System.Text.StringBuilder _trace = new();
    private int _launches;
    private int _uploads;
    private int _downloads;

    /// <summary>Starts the launch and copy counts and the trace again.</summary>
    public void Reset()
    {
        lock (_trace)
        {
            _trace.Clear();
        }

        Volatile.Write(ref _launches, 0);
        Volatile.Write(ref _uploads, 0);
        Volatile.Write(ref _downloads, 0);
    }

    public string Name => "probe";

    public string DeviceName => "reference kernels with a concurrency probe";

    public AllocationCounter Allocations => _inner.Allocations;

    public bool Supports(KernelRequest request, [NotNullWhen(false)] out string? reason) => _inner.Supports(request, out reason);

    public IPreparedKernel Prepare(KernelRequest request, IConstantStore constants)
    {
        if (request.Node.Name == FailPreparing)
        {
            throw new CnnGpuException($"probe: preparing '{request.Node.Name}' fails on purpose");
        }

        return new Probed(this, _inner.Prepare(request, constants));
    }

    public IPreparedKernel PrepareConversion(TensorShape shape, TensorLayout source, TensorLayout target) => _inner.PrepareConversion(shape, source, target);

    public IDeviceBuffer Allocate(int length) => _inner.Allocate(length);

    public IDeviceBuffer Slice(IDeviceBuffer buffer, int offset, int length) => _inner.Slice(buffer, offset, length);

    public void Upload(ReadOnlySpan<float> source, IDeviceBuffer destination)
    {
        Interlocked.Increment(ref _uploads);
        Record('U');
        Enter();
        try
        {
            _inner.Upload(source, destination);
        }
        finally
        {
            Leave();
        }
    }

    public void Download(IDeviceBuffer source, Span<float> destination)
    {
        Interlocked.Increment(ref _downloads);
        Record('D');
        Enter();
        try
        {
            _inner.Download(source, destination);
        }
        finally
        {
            Leave();
        }
    }

    public void Synchronize()
    {
        Record('S');
        _inner.Synchronize();
    }

    public void Dispose() => _inner.Dispose();

    private void Enter()
    {
        int now = Interlocked.Increment(ref _inside);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxInside)) && Interlocked.CompareExchange(ref _maxInside, now, seen) != seen)
        {
        }
    }

    private void Leave() => Interlocked.Decrement(ref _inside);

    private void Record(char call)
    {
        lock (_trace)
        {
            _trace.Append(call);
        }
    }

    private sealed class Probed(ProbeBackend probe, IPreparedKernel inner) : IPreparedKernel
    {
        public string Algorithm => inner.Algorithm;

        public TensorLayout OutputLayout => inner.OutputLayout;

        public bool SupportsInPlace => inner.SupportsInPlace;

        public TensorLayout InputLayout(int index) => inner.InputLayout(index);

        public void Run(ReadOnlySpan<IDeviceBuffer?> inputs, IDeviceBuffer output)
        {
            probe.Enter();
            try
            {
                int before = Interlocked.Increment(ref probe._launches) - 1;
                probe.Record('L');
                probe.OnLaunch?.Invoke(before);
                inner.Run(inputs, output);
                Thread.SpinWait(2_000);
            }
            finally
            {
                probe.Leave();
            }
        }

        public void Dispose() => inner.Dispose();
    }
}
