using CnnGpu.Networks.Features;
using CnnGpu.Runtime.Session;

namespace CnnGpu.Tests.Photo;

/// <summary>
/// What the photo tests share: two sets of <see cref="PhotoViews"/> and one ResNet-18 embedder on the <c>cpu</c>
/// backend (loading and packing it takes seconds, so it is opened once). <see cref="Wide"/> views crop 35–75 % of
/// a photo's shorter side, enough of it that every held-out view shows what the photo shows; <see cref="Close"/>
/// views crop 15–40 %, often a patch of fur, ceramic or sky, hard enough for the two head kinds to differ.
/// </summary>
public sealed class PhotoFixture : IDisposable
{
    private readonly Lazy<ImageEmbedder> _embedder = new(() => ImageEmbedder.Open(new SessionOptions { Backend = "cpu", MaxBatch = 16 }));

    public PhotoViews Wide { get; } = new(0.35, 0.75, viewsPerClass: 8, seed: 2012);

    public PhotoViews Close { get; } = new(0.15, 0.40, viewsPerClass: 12, seed: 2015);

    public ImageEmbedder Embedder => _embedder.Value;

    public void Dispose()
    {
        if (_embedder.IsValueCreated)
        {
            _embedder.Value.Dispose();
        }

        Wide.Dispose();
        Close.Dispose();
    }
}

/// <summary>The photo tests run one after another: each opens sessions that use both cores.</summary>
[CollectionDefinition(Name)]
public sealed class OnPhotos : ICollectionFixture<PhotoFixture>
{
    public const string Name = "photo commands";
}
