using CnnGpu.Networks.Imaging;
using CnnGpu.Runtime;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Planning;
using CnnGpu.Runtime.Session;

namespace CnnGpu.Networks.Features;

/// <summary>
/// An image classifier: photos are preprocessed, run in batches through one session, and each output row becomes
/// probabilities (softmax unless the network already outputs a distribution) with class names. Dispose it to
/// release the session.
/// </summary>
public sealed class ImageClassifier : IDisposable
{
    private readonly InferenceSession _session;

    /// <summary>Prepares <paramref name="graph"/> for classification.</summary>
    /// <param name="graph">A network with one <c>[3, Crop, Crop]</c> input and one class-score output.</param>
    /// <param name="preprocessing">How photos become inputs; its crop must be the network's input side.</param>
    /// <param name="labels">One name per class; "class N" when null.</param>
    /// <param name="options">Backend and batch limit; <see cref="SessionOptions.Default"/> when null.</param>
    /// <exception cref="CnnGpuException">The input does not match the preprocessing, or the labels do not match the classes.</exception>
    public ImageClassifier(ComputeGraph graph, ImagePreprocessing preprocessing, IReadOnlyList<string>? labels = null, SessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(preprocessing);
        Classes = ClassCount(graph);
        var expected = new Runtime.Tensors.TensorShape(3, preprocessing.Crop, preprocessing.Crop);
        if (graph.Inputs.Length != 1 || !graph.Inputs[0].ItemShape.Equals(expected))
        {
            throw new CnnGpuException($"'{graph.Name}' takes {string.Join(", ", graph.Inputs.Select(i => i.ItemShape))}; the photos are cropped to {expected}.");
        }

        if (labels is not null && labels.Count != Classes)
        {
            throw new CnnGpuException($"{labels.Count} labels for the {Classes} classes of '{graph.Name}'.");
        }

        Labels = labels is null ? [.. Enumerable.Range(0, Classes).Select(k => $"class {k}")] : [.. labels];
        Preprocessing = preprocessing;
        _session = new InferenceSession(graph, options);
    }

    /// <summary>Number of classes (values per output row).</summary>
    public int Classes { get; }

    /// <summary>One name per class.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>How photos become inputs.</summary>
    public ImagePreprocessing Preprocessing { get; }

    /// <summary>The backend the session runs on.</summary>
    public string BackendName => _session.BackendName;

    /// <summary>The values per item of the first output of <paramref name="graph"/>.</summary>
    /// <param name="graph">A network.</param>
    public static int ClassCount(ComputeGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return ShapeInference.Infer(graph, 1)[graph.Outputs[0]].CountFrom(1);
    }

    /// <summary>The <paramref name="top"/> most probable classes of each photo, most probable first.</summary>
    /// <param name="paths">Image files.</param>
    /// <param name="top">Classes per photo (at most <see cref="Classes"/>).</param>
    /// <param name="progress">Called with the number of photos done after each batch.</param>
    /// <exception cref="CnnGpuException">A file is missing or not an image (the message names it).</exception>
    public Prediction[][] Classify(IReadOnlyList<string> paths, int top, Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        var result = new List<Prediction[]>(paths.Count);
        foreach (var chunk in paths.Chunk(_session.Options.MaxBatch))
        {
            var output = _session.Run(Preprocessing.LoadBatch(chunk));
            for (int n = 0; n < chunk.Length; n++)
            {
                var row = output.Data.AsSpan(n * Classes, Classes);
                result.Add(Probabilities.Top(Probabilities.Normalize(row), Labels, Math.Min(top, Classes)));
            }

            progress?.Invoke(result.Count);
        }

        return [.. result];
    }

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();
}
