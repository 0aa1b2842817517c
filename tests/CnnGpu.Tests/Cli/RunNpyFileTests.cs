using System.Text;
using CnnGpu.Networks.Io;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Tests.Cli;

/// <summary>
/// The <c>.npy</c> files <c>cnngpu run</c> reads and writes, checked against fixtures written out
/// byte by byte from the NPY format specification (NumPy is not needed to run these tests; the
/// fixtures were checked once against NumPy 1.24's np.save / np.load).
/// </summary>
public sealed class RunNpyFileTests
{
    // A [2, 3] float32 array: 1, −2, 0.5 / 3.25, 0, 100 as little-endian IEEE 754 bytes.
    private static readonly byte[] Floats2x3 =
    [
        0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x3F,
        0x00, 0x00, 0x50, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC8, 0x42,
    ];

    private static readonly float[] Values2x3 = [1f, -2f, 0.5f, 3.25f, 0f, 100f];

    /// <summary>
    /// Version 1.0 as NumPy ≥ 1.23 writes it: magic, version 1.0, header length 118 (0x76) little-endian
    /// uint16, the dict (59 chars), 20 spaces of growth room (21 − len("2")), 38 alignment spaces and a
    /// newline, so that 10 + 118 = 128 is a multiple of 64; then the data.
    /// </summary>
    private static byte[] Version1Fixture() => Concat(
        [0x93, .. "NUMPY"u8, 0x01, 0x00, 0x76, 0x00],
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"u8.ToArray(),
        Spaces(20 + 38),
        "\n"u8.ToArray(),
        Floats2x3);

    /// <summary>
    /// Version 2.0 (uint32 header length 116 = 0x74) of the 1-D array [1.5, −0.25, 7]: the dict (57 chars),
    /// 20 growth and 38 alignment spaces and a newline; 12 + 116 = 128.
    /// </summary>
    private static byte[] Version2Fixture() => Concat(
        [0x93, .. "NUMPY"u8, 0x02, 0x00, 0x74, 0x00, 0x00, 0x00],
        "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"u8.ToArray(),
        Spaces(116 - 57 - 1),
        "\n"u8.ToArray(),
        [0x00, 0x00, 0xC0, 0x3F, 0x00, 0x00, 0x80, 0xBE, 0x00, 0x00, 0xE0, 0x40]);

    /// <summary>What old NumPy (before 1.9, 16-byte alignment, Python 2 long suffixes) wrote: keys reordered by hand too.</summary>
    private static byte[] LegacyFixture() => Concat(
        [0x93, .. "NUMPY"u8, 0x01, 0x00, 0x46, 0x00],
        "{\"shape\": (2L, 3L), \"descr\": \"<f4\", \"fortran_order\": False}"u8.ToArray(),
        Spaces(0x46 - 59 - 1),
        "\n"u8.ToArray(),
        Floats2x3);

    [Fact]
    public void Fixtures_follow_the_format_arithmetic()
    {
        Assert.Equal(128 + 24, Version1Fixture().Length);
        Assert.Equal(128 + 12, Version2Fixture().Length);
        Assert.Equal(80 + 24, LegacyFixture().Length);
    }

    [Fact]
    public void Reads_version_1_0()
    {
        var t = NpyFile.Read(new MemoryStream(Version1Fixture()));
        Assert.Equal(new TensorShape(2, 3), t.Shape);
        Assert.Equal(Values2x3, t.Data);
    }

    [Fact]
    public void Reads_version_2_0()
    {
        var t = NpyFile.Read(new MemoryStream(Version2Fixture()));
        Assert.Equal(new TensorShape(3), t.Shape);
        Assert.Equal([1.5f, -0.25f, 7f], t.Data);
    }

    [Fact]
    public void Reads_legacy_headers()
    {
        var t = NpyFile.Read(new MemoryStream(LegacyFixture()));
        Assert.Equal(new TensorShape(2, 3), t.Shape);
        Assert.Equal(Values2x3, t.Data);
    }

    [Fact]
    public void Writes_byte_for_byte_what_numpy_writes()
    {
        Assert.Equal(Version1Fixture(), Written(new Tensor(new TensorShape(2, 3), Values2x3)));
        Assert.Equal(Version2Fixture(), Written(new Tensor(new TensorShape(3), [1.5f, -0.25f, 7f]), majorVersion: 2));
    }

    [Theory]
    [InlineData(new[] { 1, 512, 1, 1 })]
    [InlineData(new[] { 3, 3, 32, 32 })]
    [InlineData(new[] { 1234567, 1 })]
    [InlineData(new[] { 7 })]
    public void Round_trips_and_aligns_the_header_to_64_bytes(int[] dims)
    {
        var tensor = Support.RandomData.Symmetric(dims.Sum(), dims);
        byte[] bytes = Written(tensor);
        Assert.Equal(0, (bytes.Length - (tensor.Data.Length * 4)) % 64);
        Assert.Equal((byte)'\n', bytes[bytes.Length - (tensor.Data.Length * 4) - 1]);
        var back = NpyFile.Read(new MemoryStream(bytes));
        Assert.Equal(tensor.Shape, back.Shape);
        Assert.Equal(tensor.Data, back.Data);
    }

    [Fact]
    public void Round_trips_through_a_file()
    {
        using var scratch = new Onnx.Scratch();
        string path = scratch.File("a.npy");
        var tensor = new Tensor(new TensorShape(2, 3), Values2x3);
        NpyFile.Write(path, tensor);
        Assert.Equal(Version1Fixture(), File.ReadAllBytes(path));
        Assert.Equal(Values2x3, NpyFile.Read(path).Data);
    }

    public static TheoryData<string, byte[]> BadFiles => new()
    {
        { "not a .npy file", "PNG not npy"u8.ToArray() },
        { "dtype '<f8'", Replace(Version1Fixture(), "'<f4'", "'<f8'") },
        { "dtype '>f4'", Replace(Version1Fixture(), "'<f4'", "'>f4'") },
        { "Fortran order", Replace(Version1Fixture(), "False", "True ") },
        { "truncated", Version1Fixture()[..^4] },
        { "truncated", Version1Fixture()[..40] },
        { "bytes after", [.. Version1Fixture(), 0x00] },
        { "version 9.0", Replace(Version1Fixture(), "NUMPY\u0001", "NUMPY\u0009") },
        { "empty arrays", Replace(Version1Fixture(), "(2, 3)", "(0, 3)") },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Rejects_what_it_cannot_read_with_a_clear_message(string expected, byte[] bytes)
    {
        var e = Assert.Throws<NpyFormatException>(() => NpyFile.Read(new MemoryStream(bytes), "'in.npy'"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("'in.npy'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    private static byte[] Written(Tensor tensor, int majorVersion = 0)
    {
        using var stream = new MemoryStream();
        NpyFile.Write(stream, tensor, majorVersion);
        return stream.ToArray();
    }

    private static byte[] Spaces(int count) => [.. Enumerable.Repeat((byte)' ', count)];

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    private static byte[] Replace(byte[] bytes, string from, string to) =>
        Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(bytes).Replace(from, to, StringComparison.Ordinal));
}
