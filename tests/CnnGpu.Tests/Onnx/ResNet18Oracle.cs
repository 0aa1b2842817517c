using CnnGpu.Networks.Imaging;
using CnnGpu.Networks.Onnx;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Tests.Onnx;

/// <summary>
/// The four sample photos fed as ML.NET's DnnImageFeaturizer feeds ResNet-18 (224×224 planar RGB,
/// 0–255 floats → ResNetPreprocess.onnx → ResNet18.onnx), and ONNX Runtime's 512-d features for
/// them — computed once per test run.
/// </summary>
public static class ResNet18Oracle
{
    public const int Size = 224;
    public const int Features = 512;

    public static readonly string[] Photos = ["chelsea.png", "coffee.png", "astronaut.png", "rocket.jpg"];

    private static readonly Lazy<Tensor> LazyImages = new(() =>
        ImageLoader.LoadBatch([.. Photos.Select(p => Path.Combine(TestFiles.Samples, p))], Size, Size));

    private static readonly Lazy<float[][]> LazyFeatures = new(ComputeWithOrt);
    private static readonly Lazy<ComputeGraph> LazyPreprocess = new(() => OnnxImporter.Load(TestFiles.ResNetPreprocess));
    private static readonly Lazy<ComputeGraph> LazyGraph = new(() => OnnxImporter.Load(TestFiles.ResNet18));

    /// <summary>ResNetPreprocess.onnx imported by CnnGpu.</summary>
    public static ComputeGraph PreprocessGraph => LazyPreprocess.Value;

    /// <summary>ResNet18.onnx imported by CnnGpu.</summary>
    public static ComputeGraph Graph => LazyGraph.Value;

    /// <summary>The photos as one batch, <c>[4, 3, 224, 224]</c>, RGB 0–255.</summary>
    public static Tensor Images => LazyImages.Value;

    /// <summary>ONNX Runtime's features, one 512-vector per photo.</summary>
    public static float[][] ExpectedFeatures => LazyFeatures.Value;

    /// <summary>Photo <paramref name="n"/> of <paramref name="batch"/> as a batch of one.</summary>
    public static Tensor Item(Tensor batch, int n)
    {
        int item = batch.Shape.CountFrom(1);
        return new Tensor(batch.Shape.WithBatch(1), batch.Data.AsSpan(n * item, item).ToArray());
    }

    /// <summary>Cosine similarity of every pair of photos.</summary>
    public static double[,] Cosines(float[][] features)
    {
        int n = features.Length;
        var result = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double dot = 0, a = 0, b = 0;
                for (int k = 0; k < features[i].Length; k++)
                {
                    dot += features[i][k] * (double)features[j][k];
                    a += features[i][k] * (double)features[i][k];
                    b += features[j][k] * (double)features[j][k];
                }

                result[i, j] = dot / Math.Sqrt(a * b);
            }
        }

        return result;
    }

    /// <summary>The photo pairs (i &lt; j) from most to least similar.</summary>
    public static string[] PairRanking(double[,] cosines)
    {
        int n = cosines.GetLength(0);
        var pairs = new List<(string Name, double Similarity)>();
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                pairs.Add(($"{Photos[i]}~{Photos[j]}", cosines[i, j]));
            }
        }

        return [.. pairs.OrderByDescending(p => p.Similarity).Select(p => p.Name)];
    }

    private static float[][] ComputeWithOrt()
    {
        // The model files declare a batch of exactly one, so ONNX Runtime runs photo by photo.
        using var preprocess = new OrtOracle(TestFiles.ResNetPreprocess);
        using var resnet = new OrtOracle(TestFiles.ResNet18);
        return [.. Enumerable.Range(0, Photos.Length).Select(n => resnet.Run(preprocess.Run(Item(Images, n))[0])[0].Data)];
    }
}
