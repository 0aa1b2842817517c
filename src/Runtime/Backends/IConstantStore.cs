namespace CnnGpu.Runtime.Backends;

/// <summary>
/// Where prepared kernels get device copies of constants. One store serves every plan (batch size)
/// of an executor, so a constant is uploaded, or packed, once however many plans use it, and only
/// in the forms some kernel asked for: a backend that packs its own copy never uploads the flat one.
/// Everything in the store is disposed with the executor.
/// </summary>
public interface IConstantStore
{
    /// <summary>The flat values of constant <paramref name="valueId"/> on the device (uploaded on first request).</summary>
    /// <param name="valueId">A constant's value id.</param>
    IDeviceBuffer Flat(int valueId);

    /// <summary>A derived form of some constants (packed weights, …), created on first request and shared after that.</summary>
    /// <typeparam name="T">The form's type; disposed with the store.</typeparam>
    /// <param name="key">Names the form and every constant it derives from.</param>
    /// <param name="create">Builds the form.</param>
    T GetOrAdd<T>(string key, Func<T> create)
        where T : class, IDisposable;
}
