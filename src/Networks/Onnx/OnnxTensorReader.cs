using System.Runtime.InteropServices;
using CnnGpu.Networks.Onnx.Protos;
using Google.Protobuf;

namespace CnnGpu.Networks.Onnx;

/// <summary>
/// Decodes a <see cref="TensorProto"/> (float, int64 or int32) from its typed field, from
/// <c>raw_data</c> (little-endian) or from an external-data file next to the model.
/// </summary>
internal static class OnnxTensorReader
{
    /// <summary>Decodes <paramref name="tensor"/>; <paramref name="where"/> names it in errors (e.g. "initializer 'W'").</summary>
    public static OnnxConstant Read(TensorProto tensor, string name, string where, string? externalDataDirectory) =>
        Read(tensor, name, where, externalDataDirectory, null);

    /// <summary>
    /// Decodes <paramref name="tensor"/>, whose raw data (when <paramref name="raw"/> is given) is still in the model
    /// file: float data is read from the file straight into the tensor's array, with no intermediate copy.
    /// </summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="name">The value name it defines.</param>
    /// <param name="where">How errors name it.</param>
    /// <param name="externalDataDirectory">Where external data lives.</param>
    /// <param name="raw">Its raw data's place in the model file, when still there.</param>
    /// <param name="maxBytes">Largest tensor accepted, checked on the declared dimensions before anything is read.</param>
    public static OnnxConstant Read(TensorProto tensor, string name, string where, string? externalDataDirectory, FileRawData? raw, long maxBytes = long.MaxValue)
    {
        long[] dims = [.. tensor.Dims];
        long count = 1;
        foreach (long d in dims)
        {
            if (d < 0)
            {
                throw new OnnxImportException($"{where} has a negative dimension: [{string.Join(", ", dims)}].");
            }

            count *= d;
        }

        if (count > int.MaxValue)
        {
            throw new OnnxImportException($"{where} has {count} elements, more than CnnGpu supports in one tensor.");
        }

        if (count * sizeof(float) > maxBytes)
        {
            throw new OnnxImportException($"{where} declares [{string.Join(", ", dims)}] ({count * sizeof(float)} bytes), over the import limit of {maxBytes} bytes (OnnxImportOptions.MaxTensorBytes).");
        }

        var type = (TensorProto.Types.DataType)tensor.DataType;
        if (raw is not null && tensor.DataLocation != TensorProto.Types.DataLocation.External)
        {
            if (type == TensorProto.Types.DataType.Float)
            {
                return OnnxConstant.OfFloats(name, dims, raw.ReadFloats((int)count, where));
            }

            tensor = tensor.Clone();
            tensor.RawData = ByteString.CopyFrom(raw.ReadBytes(where));
        }

        var bytes = tensor.DataLocation == TensorProto.Types.DataLocation.External
            ? ReadExternal(tensor, where, externalDataDirectory)
            : tensor.RawData.Memory;
        return type switch
        {
            TensorProto.Types.DataType.Float => OnnxConstant.OfFloats(name, dims, Floats(tensor, bytes, (int)count, where)),
            TensorProto.Types.DataType.Int64 => OnnxConstant.OfIntegers(name, dims, Int64s(tensor, bytes, (int)count, where)),
            TensorProto.Types.DataType.Int32 => OnnxConstant.OfIntegers(name, dims, Int32s(tensor, bytes, (int)count, where)),
            TensorProto.Types.DataType.Bool => OnnxConstant.OfIntegers(name, dims, Bools(tensor, bytes, (int)count, where)),
            _ => throw new OnnxImportException($"{where} has data type {type}; CnnGpu reads FLOAT tensors (and INT64, INT32 or BOOL for shapes and flags)."),
        };
    }

    private static float[] Floats(TensorProto tensor, ReadOnlyMemory<byte> raw, int count, string where)
    {
        if (!raw.IsEmpty || tensor.DataLocation == TensorProto.Types.DataLocation.External)
        {
            return FromRaw<float>(raw.Span, count, where);
        }

        return CheckCount(tensor.FloatData.ToArray(), count, where, "float_data");
    }

    private static long[] Int64s(TensorProto tensor, ReadOnlyMemory<byte> raw, int count, string where) =>
        !raw.IsEmpty || tensor.DataLocation == TensorProto.Types.DataLocation.External
            ? FromRaw<long>(raw.Span, count, where)
            : CheckCount(tensor.Int64Data.ToArray(), count, where, "int64_data");

    private static long[] Int32s(TensorProto tensor, ReadOnlyMemory<byte> raw, int count, string where) =>
        !raw.IsEmpty || tensor.DataLocation == TensorProto.Types.DataLocation.External
            ? [.. FromRaw<int>(raw.Span, count, where).Select(v => (long)v)]
            : [.. CheckCount(tensor.Int32Data.ToArray(), count, where, "int32_data").Select(v => (long)v)];

    private static long[] Bools(TensorProto tensor, ReadOnlyMemory<byte> raw, int count, string where) =>
        !raw.IsEmpty || tensor.DataLocation == TensorProto.Types.DataLocation.External
            ? [.. FromRaw<byte>(raw.Span, count, where).Select(v => (long)v)]
            : [.. CheckCount(tensor.Int32Data.ToArray(), count, where, "int32_data").Select(v => (long)v)];

    private static T[] CheckCount<T>(T[] data, int count, string where, string field) =>
        data.Length == count
            ? data
            : throw new OnnxImportException($"{where} declares {count} elements but its {field} holds {data.Length}.");

    private static T[] FromRaw<T>(ReadOnlySpan<byte> bytes, int count, string where)
        where T : unmanaged
    {
        int size = Marshal.SizeOf<T>();
        if (bytes.Length != (long)count * size)
        {
            throw new OnnxImportException($"{where} declares {count} elements ({(long)count * size} bytes) but its data has {bytes.Length} bytes.");
        }

        if (!BitConverter.IsLittleEndian)
        {
            throw new OnnxImportException($"{where}: raw tensor data is little-endian and this machine is not.");
        }

        return MemoryMarshal.Cast<byte, T>(bytes).ToArray();
    }

    private static ReadOnlyMemory<byte> ReadExternal(TensorProto tensor, string where, string? directory)
    {
        var entries = tensor.ExternalData.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        if (!entries.TryGetValue("location", out string? location) || location.Length == 0)
        {
            throw new OnnxImportException($"{where} is stored externally but names no 'location'.");
        }

        if (directory is null)
        {
            throw new OnnxImportException($"{where} is stored in external file '{location}'; load the model from a file path so the file can be found.");
        }

        string root = Path.GetFullPath(directory);
        string path = Path.GetFullPath(Path.Combine(root, location));
        if (Path.IsPathRooted(location) || !path.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new OnnxImportException($"{where} names external file '{location}', which is not inside the model's directory.");
        }

        long offset = ParseLong(entries, "offset", where) ?? 0;
        long? length = ParseLong(entries, "length", where);
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            long available = file.Length - offset;
            long take = length ?? available;
            if (offset < 0 || take < 0 || take > available || take > int.MaxValue)
            {
                throw new OnnxImportException($"{where}: external file '{location}' has {file.Length} bytes; offset {offset} and length {take} do not fit.");
            }

            var data = new byte[take];
            file.Seek(offset, SeekOrigin.Begin);
            file.ReadExactly(data);
            return data;
        }
        catch (IOException e)
        {
            throw new OnnxImportException($"{where}: external file '{location}' could not be read: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new OnnxImportException($"{where}: external file '{location}' could not be read: {e.Message}", e);
        }
    }

    private static long? ParseLong(Dictionary<string, string> entries, string key, string where)
    {
        if (!entries.TryGetValue(key, out string? text))
        {
            return null;
        }

        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new OnnxImportException($"{where}: external-data '{key}' is '{text}', not a non-negative integer.");
    }
}

/// <summary>An initializer's raw data still in the model file.</summary>
/// <param name="File">The scanned file.</param>
/// <param name="Offset">Where the bytes start.</param>
/// <param name="Length">How many there are.</param>
internal sealed record FileRawData(OnnxFileScan File, long Offset, long Length)
{
    /// <summary>Reads <paramref name="count"/> little-endian floats straight into a new array.</summary>
    public float[] ReadFloats(int count, string where)
    {
        if (Length != (long)count * sizeof(float))
        {
            throw new OnnxImportException($"{where} declares {count} elements ({(long)count * sizeof(float)} bytes) but its data has {Length} bytes.");
        }

        if (!BitConverter.IsLittleEndian)
        {
            throw new OnnxImportException($"{where}: raw tensor data is little-endian and this machine is not.");
        }

        var data = new float[count];
        File.ReadRaw(Offset, MemoryMarshal.AsBytes(data.AsSpan()));
        return data;
    }

    /// <summary>Reads the bytes (small integer tensors: shapes, axes).</summary>
    public byte[] ReadBytes(string where)
    {
        if (Length > int.MaxValue)
        {
            throw new OnnxImportException($"{where} has {Length} bytes of raw data, more than CnnGpu supports in one tensor.");
        }

        var data = new byte[Length];
        File.ReadRaw(Offset, data);
        return data;
    }
}
