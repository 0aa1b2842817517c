using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Networks.Io;

/// <summary>
/// Reads and writes NumPy <c>.npy</c> files (format versions 1.0, 2.0 and 3.0) holding little-endian
/// float32 arrays in C order — what <c>np.save(path, a.astype(np.float32))</c> writes and
/// <c>np.load</c> reads. Files are written as NumPy does: version 1.0 (2.0 when the header needs
/// it) with the header padded to a multiple of 64 bytes.
/// </summary>
public static class NpyFile
{
    /// <summary>The dtype CnnGpu reads and writes: little-endian float32.</summary>
    public const string Float32Descr = "<f4";

    private const int Alignment = 64;

    /// <summary>Largest header read (NumPy's own reader refuses headers over 10,000 bytes by default).</summary>
    private const int MaxHeaderBytes = 1 << 20;

    /// <summary>Most dimensions an array may have (NumPy's limit is 64).</summary>
    private const int MaxRank = 64;
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a float32 array.</summary>
    /// <param name="path">The <c>.npy</c> file.</param>
    /// <exception cref="NpyFormatException">Missing, unreadable, or not a little-endian float32 C-order array.</exception>
    public static Tensor Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var stream = File.OpenRead(path);
            return Read(stream, $"'{path}'");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NpyFormatException($"'{path}' could not be read: {e.Message}", e);
        }
    }

    /// <summary>Reads a float32 array from a stream.</summary>
    /// <param name="stream">The file's bytes.</param>
    /// <param name="source">How to name the data in errors.</param>
    /// <exception cref="NpyFormatException">Not a little-endian float32 C-order array.</exception>
    public static Tensor Read(Stream stream, string source = "the stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> preamble = stackalloc byte[8];
        if (stream.ReadAtLeast(preamble, 8, throwOnEndOfStream: false) < 8 || !preamble[..6].SequenceEqual(Magic))
        {
            throw new NpyFormatException($"{source} is not a .npy file (it does not start with \\x93NUMPY).");
        }

        byte major = preamble[6], minor = preamble[7];
        int lengthBytes = major switch
        {
            1 => 2,
            2 or 3 => 4,
            _ => throw new NpyFormatException($"{source} is .npy format version {major}.{minor}; versions 1.0, 2.0 and 3.0 are supported."),
        };
        Span<byte> lengthField = stackalloc byte[4];
        ReadExactly(stream, lengthField[..lengthBytes], source, "header length");
        long headerLength = lengthBytes == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthField) : BinaryPrimitives.ReadUInt32LittleEndian(lengthField);
        if (headerLength > MaxHeaderBytes || (stream.CanSeek && headerLength > stream.Length - stream.Position))
        {
            throw new NpyFormatException(headerLength > MaxHeaderBytes
                ? $"{source}: the .npy header claims {headerLength} bytes, more than the {MaxHeaderBytes}-byte limit."
                : $"{source} is truncated: its header claims {headerLength} bytes, the file holds {stream.Length - stream.Position} after the length field.");
        }

        var headerBytes = new byte[headerLength];
        ReadExactly(stream, headerBytes, source, "header");
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        var (descr, fortran, dims) = NpyHeader.Parse(header, source);
        if (descr != Float32Descr)
        {
            throw new NpyFormatException($"{source} holds dtype '{descr}'; CnnGpu reads little-endian float32 ('<f4'): save it with a.astype(np.float32).");
        }

        if (fortran && dims.Count(d => d > 1) > 1)
        {
            throw new NpyFormatException($"{source} is in Fortran order; save it with np.ascontiguousarray(a).");
        }

        var shape = ToShape(dims, source);
        long dataBytes = 4L * shape.ElementCount;
        if (stream.CanSeek && stream.Length - stream.Position != dataBytes)
        {
            // Checked before allocating: a header may declare far more than the file holds.
            long actual = stream.Length - stream.Position;
            throw new NpyFormatException(actual < dataBytes
                ? $"{source} is truncated: shape {shape} needs {dataBytes} bytes of float32 data, the file holds {actual}."
                : $"{source} has {actual - dataBytes} bytes after the {shape.ElementCount} float32 values of shape {shape}.");
        }

        var data = ReadData(stream, shape, source);
        if (stream.ReadByte() >= 0)
        {
            throw new NpyFormatException($"{source} has bytes after the {shape.ElementCount} float32 values of shape {shape}.");
        }

        if (!BitConverter.IsLittleEndian)
        {
            throw new NpyFormatException("Reading little-endian .npy data on a big-endian machine is not supported.");
        }

        return new Tensor(shape, data);
    }

    /// <summary>Writes a float32 array as NumPy does.</summary>
    /// <param name="path">The file to create or overwrite.</param>
    /// <param name="tensor">The array.</param>
    public static void Write(string path, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.Create(path);
        Write(stream, tensor);
    }

    /// <summary>Writes a float32 array to a stream as NumPy does.</summary>
    /// <param name="stream">Destination.</param>
    /// <param name="tensor">The array.</param>
    /// <param name="majorVersion">Format version 1 or 2; 0 picks 1 unless the header is too long for it (NumPy's rule).</param>
    public static void Write(Stream stream, Tensor tensor, int majorVersion = 0)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensor);
        if (majorVersion is not (0 or 1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(majorVersion), majorVersion, "Use 1, 2, or 0 for NumPy's choice.");
        }

        byte[] dictionary = Encoding.Latin1.GetBytes(NpyHeader.Format(Float32Descr, tensor.Shape.Dimensions));
        int version = majorVersion != 0 ? majorVersion : (Padded(dictionary.Length, 2) <= ushort.MaxValue ? 1 : 2);
        int lengthBytes = version == 1 ? 2 : 4;
        int headerLength = Padded(dictionary.Length, lengthBytes);
        if (version == 1 && headerLength > ushort.MaxValue)
        {
            throw new ArgumentException($"A header of {headerLength} bytes does not fit .npy version 1.0.", nameof(majorVersion));
        }

        stream.Write(Magic);
        stream.Write([(byte)version, 0]);
        Span<byte> lengthField = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(lengthField, (uint)headerLength);
        stream.Write(lengthField[..lengthBytes]);
        stream.Write(dictionary);
        for (int i = dictionary.Length; i < headerLength - 1; i++)
        {
            stream.WriteByte((byte)' ');
        }

        stream.WriteByte((byte)'\n');
        if (!BitConverter.IsLittleEndian)
        {
            throw new NotSupportedException("Writing .npy data on a big-endian machine is not supported.");
        }

        stream.Write(MemoryMarshal.AsBytes(tensor.Data.AsSpan()));
    }

    /// <summary>Header length (dictionary, spaces, newline) that makes magic + version + length field + header a multiple of 64; a full 64 bytes of padding when already aligned, as NumPy does.</summary>
    private static int Padded(int dictionaryLength, int lengthBytes)
    {
        int unpadded = Magic.Length + 2 + lengthBytes + dictionaryLength + 1;
        return dictionaryLength + 1 + (Alignment - (unpadded % Alignment));
    }

    /// <summary>
    /// The data of <paramref name="shape"/>. A stream whose length is unknown is read in chunks, so memory
    /// grows with the bytes actually there, not with what the header claims.
    /// </summary>
    private static float[] ReadData(Stream stream, TensorShape shape, string source)
    {
        if (stream.CanSeek)
        {
            var data = new float[shape.ElementCount];
            ReadExactly(stream, MemoryMarshal.AsBytes(data.AsSpan()), source, $"data of shape {shape}");
            return data;
        }

        const int Chunk = 1 << 20;
        var chunks = new List<float[]>();
        for (long remaining = shape.ElementCount; remaining > 0; remaining -= Chunk)
        {
            var chunk = new float[Math.Min(Chunk, remaining)];
            ReadExactly(stream, MemoryMarshal.AsBytes(chunk.AsSpan()), source, $"data of shape {shape}");
            chunks.Add(chunk);
        }

        return chunks.Count == 1 ? chunks[0] : [.. chunks.SelectMany(c => c)];
    }

    private static TensorShape ToShape(long[] dims, string source)
    {
        if (dims.Any(d => d < 1 || d > int.MaxValue))
        {
            throw new NpyFormatException($"{source} has shape ({string.Join(", ", dims)}); empty arrays are not supported.");
        }

        if (dims.Length > MaxRank)
        {
            throw new NpyFormatException($"{source} has {dims.Length} dimensions; at most {MaxRank} are supported.");
        }

        long count = 1;
        foreach (long d in dims)
        {
            count *= d;
            if (count > Array.MaxLength / 4)
            {
                throw new NpyFormatException($"{source} has shape ({string.Join(", ", dims)}): more float32 values than one array can hold.");
            }
        }

        try
        {
            return new TensorShape([.. dims.Select(d => (int)d)]);
        }
        catch (ArgumentException e)
        {
            throw new NpyFormatException($"{source}: {e.Message}", e);
        }
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string source, string what)
    {
        if (stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) < buffer.Length)
        {
            throw new NpyFormatException($"{source} is truncated: its {what} ends early.");
        }
    }
}
