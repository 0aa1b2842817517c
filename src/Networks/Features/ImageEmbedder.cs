using CnnGpu.Networks.Imaging;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Session;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Networks.Features;

/// <summary>
/// L2-normalised 512-d image features from the ImageNet-trained ResNet-18 of ML.NET's DnnImageFeaturizer
/// (<see cref="FeaturizerModels"/>), with its own preprocessing exactly: the photo covers 224×224 and the centre is
/// cut, raw 0–255 RGB goes through ResNetPreprocess.onnx and then ResNet18.onnx, both in one session.
/// Dispose it to release the session.
/// </summary>
/// <example>
/// <code>
/// using var embedder = ImageEmbedder.Open();
/// float[] cat = embedder.Embed("cat.jpg");
/// double similarity = Embeddings.Cosine(cat, embedder.Embed("kitten.png"));
/// </code>
/// </example>
public sealed class ImageEmbedder : IDisposable
{
    /// <summary>Length of a feature vector.</summary>
    public const int Dimensions = 512;

    /// <summary>Side of the square network input.</summary>
    public const int InputSize = 224;

    private readonly InferenceSession _session;

    private ImageEmbedder(InferenceSession session) => _session = session;

    /// <summary>What the features are, for files that store them (e.g. a few-shot head).</summary>
    public static string ModelName => $"ResNet-18 ({FeaturizerModels.Package} {FeaturizerModels.PackageVersion}), 512-d, L2-normalised";

    /// <summary>The preprocessing of the photos: cover and centre-crop to 224, raw 0–255 RGB.</summary>
    public static ImagePreprocessing Preprocessing { get; } = ImagePreprocessing.Featurizer(InputSize);

    /// <summary>The backend the session runs on.</summary>
    public string BackendName => _session.BackendName;

    /// <summary>Images per run (the session's max batch).</summary>
    public int BatchSize => _session.Options.MaxBatch;

    /// <summary>Loads the model files and prepares a session.</summary>
    /// <param name="options">Backend and batch limit; <see cref="SessionOptions.Default"/> when null.</param>
    /// <param name="modelsFolder">A <c>DnnImageModels</c> folder; <see cref="FeaturizerModels.Locate"/> when null.</param>
    /// <exception cref="Runtime.CnnGpuException">The model files are not found, or the backend cannot run them.</exception>
    public static ImageEmbedder Open(SessionOptions? options = null, string? modelsFolder = null) =>
        Open(FeaturizerModels.LoadFeatureGraph(modelsFolder), options);

    /// <summary>Prepares a session for an already loaded feature graph (<see cref="FeaturizerModels.LoadFeatureGraph"/>).</summary>
    /// <param name="featureGraph">RGB 0–255 <c>[3, 224, 224]</c> in, 512 features out.</param>
    /// <param name="options">Backend and batch limit; <see cref="SessionOptions.Default"/> when null.</param>
    public static ImageEmbedder Open(ComputeGraph featureGraph, SessionOptions? options = null) =>
        new(new InferenceSession(featureGraph, options));

    /// <summary>The features of one photo.</summary>
    /// <param name="path">An image file.</param>
    /// <exception cref="Runtime.CnnGpuException">Missing or not an image (the message names it).</exception>
    public float[] Embed(string path) => Embed([path])[0];

    /// <summary>The features of several photos, run in batches of <see cref="BatchSize"/>.</summary>
    /// <param name="paths">Image files.</param>
    /// <param name="progress">Called with the number of photos done after each batch.</param>
    public float[][] Embed(IReadOnlyList<string> paths, Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var result = new List<float[]>(paths.Count);
        foreach (var chunk in paths.Chunk(BatchSize))
        {
            result.AddRange(Embed(Preprocessing.LoadBatch(chunk)));
            progress?.Invoke(result.Count);
        }

        return [.. result];
    }

    /// <summary>The features of a preprocessed batch <c>[N, 3, 224, 224]</c> (RGB 0–255, N ≤ <see cref="BatchSize"/>).</summary>
    /// <param name="images">The batch.</param>
    public float[][] Embed(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var features = _session.Run(images);
        int n = images.Shape[0];
        int length = features.Shape.CountFrom(1);
        var result = new float[n][];
        for (int i = 0; i < n; i++)
        {
            result[i] = features.Data.AsSpan(i * length, length).ToArray();
            Embeddings.Normalize(result[i]);
        }

        return result;
    }

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();
}
