using CnnGpu.Runtime.Backends;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Runtime.Execution;

/// <summary>
/// An executor's constants on its backend: flat uploads and packed forms, created when a prepared
/// kernel first asks and shared by every plan after that. Thread-unsafe like the executor.
/// </summary>
internal sealed class ConstantStore(ComputeGraph graph, IBackend backend) : IConstantStore, IDisposable
{
    private readonly Dictionary<int, IDeviceBuffer> _flat = [];
    private readonly Dictionary<string, IDisposable> _derived = new(StringComparer.Ordinal);

    /// <summary>Floats held in flat uploads (packed forms report their own size, if at all).</summary>
    public long FlatFloats => _flat.Values.Sum(b => (long)b.Length);

    public IDeviceBuffer Flat(int valueId)
    {
        if (!_flat.TryGetValue(valueId, out var buffer))
        {
            var data = graph.Values[valueId].Constant ?? throw new CnnGpuException($"Value '{graph.Values[valueId].Name}' of graph '{graph.Name}' is not a constant.");
            buffer = backend.Allocate(data.Shape.ElementCount);
            try
            {
                backend.Upload(data.Data, buffer);
            }
            catch
            {
                buffer.Dispose();
                throw;
            }

            _flat[valueId] = buffer;
        }

        return buffer;
    }

    public T GetOrAdd<T>(string key, Func<T> create)
        where T : class, IDisposable
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(create);
        if (_derived.TryGetValue(key, out var existing))
        {
            return existing as T ?? throw new InvalidOperationException($"Constant form '{key}' was stored as {existing.GetType().Name}, asked for as {typeof(T).Name}.");
        }

        var created = create();
        _derived[key] = created;
        return created;
    }

    public void Dispose()
    {
        foreach (var buffer in _flat.Values)
        {
            buffer.Dispose();
        }

        foreach (var form in _derived.Values)
        {
            form.Dispose();
        }

        _flat.Clear();
        _derived.Clear();
    }
}
