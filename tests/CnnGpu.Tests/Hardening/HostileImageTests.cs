using System.Buffers.Binary;
using System.Text;
using CnnGpu.Networks.Imaging;
using CnnGpu.Runtime;
using CnnGpu.Tests.Onnx;

namespace CnnGpu.Tests.Hardening;

/// <summary>
/// Images a host app did not make: corrupt, truncated, zero-sized, unsupported and decompression-bomb
/// files each fail with a one-line <see cref="CnnGpuException"/> naming the file, before any large allocation.
/// </summary>
public sealed class HostileImageTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("cnngpu-hostile-images-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Theory]
    [InlineData("chelsea.png")]
    [InlineData("rocket.jpg")]
    public void Truncated_photos_are_rejected(string sample)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(TestFiles.Samples, sample));
        var e = Reject(sample, bytes[..(bytes.Length / 2)]);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupt_png_is_rejected()
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(TestFiles.Samples, "coffee.png"));
        new Random(5).NextBytes(bytes.AsSpan(64, 4096));   // past the header: the compressed pixel data
        Reject("coffee.png", bytes);
    }

    [Fact]
    public void A_file_that_is_no_image_is_rejected()
    {
        var e = Reject("notes.png", Encoding.UTF8.GetBytes("these are not pixels\n"));
        Assert.Contains("not an image", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_file_is_rejected() => Reject("empty.jpg", []);

    [Fact]
    public void A_zero_sized_png_is_rejected() => Reject("zero.png", Png(0, 16));

    [Fact]
    public void A_decompression_bomb_header_is_rejected_before_allocating()
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var e = Reject("bomb.png", Png(60000, 60000));
        Assert.True(e.Message.Contains("60000x60000", StringComparison.Ordinal) || e.Message.Contains("not an image", StringComparison.Ordinal), e.Message);
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 64L << 20, "no large managed allocation");
    }

    private CnnGpuException Reject(string name, byte[] bytes)
    {
        string path = Path.Combine(_folder.FullName, name);
        File.WriteAllBytes(path, bytes);
        var e = Assert.ThrowsAny<CnnGpuException>(() => ImageLoader.Load(path, 224, 224));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    /// <summary>A PNG of the declared size whose only image data is one tiny compressed block (what a bomb looks like).</summary>
    private static byte[] Png(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;   // bit depth
        ihdr[9] = 2;   // RGB
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]);
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        png.Write(number);
        byte[] typed = [.. Encoding.ASCII.GetBytes(type), .. data];
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typed));
        png.Write(number);
    }

    /// <summary>The PNG chunk CRC (ISO 3309, reflected 0xEDB88320).</summary>
    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }
}
