namespace CnnGpu.Runtime.Backends;

/// <summary>Launches one prepared node: its non-constant input buffers (null for constants) and its output.</summary>
/// <param name="inputs">One buffer per node input, null for constants.</param>
/// <param name="output">The output buffer.</param>
public delegate void KernelLaunch(ReadOnlySpan<IDeviceBuffer?> inputs, IDeviceBuffer output);

/// <summary>
/// A prepared kernel made of a launch delegate that captured everything precomputed (geometry, constant
/// buffers). Backends whose kernels all read and write NCHW use it; it owns the disposables it is given.
/// </summary>
public sealed class PreparedLaunch : IPreparedKernel
{
    private readonly KernelLaunch _launch;
    private readonly IDisposable[] _owned;

    /// <summary>Wraps a launch.</summary>
    /// <param name="algorithm">The algorithm name shown in profiles and plans.</param>
    /// <param name="launch">The launch.</param>
    /// <param name="supportsInPlace">Whether the output may share storage with input 0.</param>
    /// <param name="owned">Resources disposed with the kernel.</param>
    public PreparedLaunch(string algorithm, KernelLaunch launch, bool supportsInPlace = false, params IDisposable[] owned)
    {
        Algorithm = algorithm;
        _launch = launch;
        SupportsInPlace = supportsInPlace;
        _owned = owned;
    }

    /// <inheritdoc/>
    public string Algorithm { get; }

    /// <inheritdoc/>
    public TensorLayout OutputLayout => TensorLayout.Nchw;

    /// <inheritdoc/>
    public bool SupportsInPlace { get; }

    /// <inheritdoc/>
    public TensorLayout InputLayout(int index) => TensorLayout.Nchw;

    /// <inheritdoc/>
    public void Run(ReadOnlySpan<IDeviceBuffer?> inputs, IDeviceBuffer output) => _launch(inputs, output);

    /// <summary>
    /// The same kernel whose launch failures pass through <paramref name="translate"/>: an exception it maps
    /// to another is thrown instead (a device runtime's error as the typed device error); null keeps it.
    /// </summary>
    /// <param name="translate">Maps a launch failure to the exception to throw, or returns null.</param>
    public PreparedLaunch WithFailureTranslation(Func<Exception, Exception?> translate)
    {
        ArgumentNullException.ThrowIfNull(translate);
        var launch = _launch;
        return new PreparedLaunch(Algorithm, (inputs, output) =>
        {
            try
            {
                launch(inputs, output);
            }
            catch (Exception e) when (translate(e) is { } translated)
            {
                throw translated;
            }
        }, SupportsInPlace, _owned);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }
}
