using CnnGpu.Networks.Imaging;
using CnnGpu.Tests.Onnx;
using SkiaSharp;

namespace CnnGpu.Tests.Photo;

/// <summary>
/// Class folders made from the four sample photos: each photo is a class, and its views are random square crops
/// (a fraction of the shorter side between <see cref="MinCrop"/> and <see cref="MaxCrop"/>, anywhere in the
/// photo), horizontal flips and colour jitter (brightness, contrast and saturation each ×0.6–1.4), drawn with
/// SkiaSharp from a fixed seed. The first <see cref="TrainViews"/> views of each class are for training, the
/// rest are held out. Written under a temp folder, deleted on dispose.
/// </summary>
public sealed class PhotoViews : IDisposable
{
    public const int TrainViews = 4;
    public const int Side = 224;

    private readonly Scratch _scratch = new();

    /// <summary>Writes the views.</summary>
    /// <param name="minCrop">Smallest crop side, as a fraction of the photo's shorter side.</param>
    /// <param name="maxCrop">Largest crop side, as a fraction of the photo's shorter side.</param>
    /// <param name="viewsPerClass">Views of each photo, <see cref="TrainViews"/> of them for training.</param>
    /// <param name="seed">Seed of every random choice.</param>
    public PhotoViews(double minCrop, double maxCrop, int viewsPerClass, int seed)
    {
        (MinCrop, MaxCrop) = (minCrop, maxCrop);
        var random = new Random(seed);
        foreach (string photo in ResNet18Oracle.Photos)
        {
            string name = Path.GetFileNameWithoutExtension(photo);
            using var source = ImageLoader.Decode(Path.Combine(TestFiles.Samples, photo));
            for (int v = 0; v < viewsPerClass; v++)
            {
                string split = v < TrainViews ? "train" : "heldout";
                string folder = Path.Combine(_scratch.Path, split, name);
                Directory.CreateDirectory(folder);
                string path = Path.Combine(folder, $"{name}-view{v:00}.png");
                Write(source, random, path, minCrop, maxCrop);
                (v < TrainViews ? Train : HeldOut).Add((path, name));
            }
        }
    }

    /// <summary>Class names, one per sample photo, in ordinal order (the order of a head's classes).</summary>
    public static IReadOnlyList<string> Classes { get; } = [.. ResNet18Oracle.Photos.Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!];

    public double MinCrop { get; }

    public double MaxCrop { get; }

    /// <summary>The folder of class folders of the training views.</summary>
    public string TrainFolder => Path.Combine(_scratch.Path, "train");

    public List<(string Path, string Class)> Train { get; } = [];

    public List<(string Path, string Class)> HeldOut { get; } = [];

    public void Dispose() => _scratch.Dispose();

    private static void Write(SKBitmap source, Random random, string path, double minCrop, double maxCrop)
    {
        int shorter = Math.Min(source.Width, source.Height);
        int side = (int)(shorter * (minCrop + ((maxCrop - minCrop) * random.NextDouble())));
        int x = random.Next(source.Width - side + 1), y = random.Next(source.Height - side + 1);
        bool flip = random.Next(2) == 1;
        float brightness = Jitter(random), contrast = Jitter(random), saturation = Jitter(random);

        using var image = SKImage.FromBitmap(source);
        using var surface = SKSurface.Create(new SKImageInfo(Side, Side, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        if (flip)
        {
            canvas.Scale(-1, 1, Side / 2f, 0);
        }

        using var paint = new SKPaint { ColorFilter = SKColorFilter.CreateColorMatrix(ColorMatrix(brightness, contrast, saturation)) };
        canvas.DrawImage(image, SKRect.Create(x, y, side, side), SKRect.Create(0, 0, Side, Side), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear), paint);
        using var snapshot = surface.Snapshot();
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, png.ToArray());
    }

    private static float Jitter(Random random) => (float)(0.6 + (0.8 * random.NextDouble()));

    /// <summary>Saturation (Rec. 709 luma kept), then contrast about mid-grey, then brightness; Skia's translate column is in 0–1 units.</summary>
    private static float[] ColorMatrix(float brightness, float contrast, float saturation)
    {
        float[] luma = [0.2126f, 0.7152f, 0.0722f];
        var m = new float[20];
        for (int row = 0; row < 3; row++)
        {
            for (int col = 0; col < 3; col++)
            {
                float s = (luma[col] * (1 - saturation)) + (row == col ? saturation : 0);
                m[(row * 5) + col] = brightness * contrast * s;
            }

            m[(row * 5) + 4] = brightness * 0.5f * (1 - contrast);
        }

        m[18] = 1;
        return m;
    }
}
