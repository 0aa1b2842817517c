using CnnGpu.Networks.Onnx.Protos;
using Google.Protobuf;

namespace CnnGpu.Networks.Onnx;

/// <summary>Where an initializer's <c>raw_data</c> lies in the model file.</summary>
/// <param name="Tensor">The initializer with everything but its raw data (name, type, dims, …).</param>
/// <param name="RawOffset">File offset of the raw bytes, or −1 when the tensor has none.</param>
/// <param name="RawLength">Their length.</param>
internal sealed record InitializerLocation(TensorProto Tensor, long RawOffset, long RawLength);

/// <summary>
/// Reads an ONNX file without ever holding its weights twice: the protobuf wire format is walked once, the
/// model minus its initializers' raw data (a few hundred KB) is parsed as usual, and each initializer's raw
/// bytes are read later straight from the file into the tensor's own array. Parsing the whole file with
/// protobuf would hold the weights as protobuf byte strings and again as tensors (and the parser's chunked
/// reads of large fields a third time), which the garbage collector then keeps committed: 2.7× a VGG-16 file.
/// </summary>
internal sealed class OnnxFileScan : IDisposable
{
    private const int ModelGraphField = 7;
    private const int GraphInitializerField = 5;
    private const int TensorRawDataField = 9;

    private readonly FileStream _file;
    private readonly string _source;
    private readonly byte[] _buffer = new byte[1 << 16];
    private long _bufferStart;
    private int _bufferLength;
    private long _position;

    private OnnxFileScan(FileStream file, string source)
    {
        _file = file;
        _source = source;
    }

    /// <summary>The model with an empty initializer list (see <see cref="Initializers"/>).</summary>
    public ModelProto Model { get; private set; } = new();

    /// <summary>The initializers, in file order.</summary>
    public List<InitializerLocation> Initializers { get; } = [];

    /// <summary>File length.</summary>
    public long Length => _file.Length;

    /// <summary>Walks <paramref name="file"/>; the scan owns it from here on.</summary>
    /// <param name="file">The model file, readable and seekable.</param>
    /// <param name="source">How errors name the file.</param>
    /// <exception cref="OnnxImportException">The file is not well-formed protobuf (truncated, or another format).</exception>
    public static OnnxFileScan Open(FileStream file, string source)
    {
        var scan = new OnnxFileScan(file, source);
        try
        {
            var model = new MemoryStream();
            scan.CopyFieldsExcept(0, file.Length, model, (field, wireType, end) =>
            {
                if (field != ModelGraphField || wireType != 2)
                {
                    return false;
                }

                var graph = new MemoryStream();
                scan.CopyFieldsExcept(scan._position, end, graph, (f, w, tensorEnd) =>
                {
                    if (f != GraphInitializerField || w != 2)
                    {
                        return false;
                    }

                    scan.Initializers.Add(scan.ReadInitializer(tensorEnd));
                    return true;
                });
                WriteField(model, ModelGraphField, graph);
                return true;
            });
            scan.Model = ModelProto.Parser.ParseFrom(model.ToArray());
            return scan;
        }
        catch (InvalidProtocolBufferException e)
        {
            scan.Dispose();
            throw new OnnxImportException($"{source} is not a valid ONNX model (truncated, or not ONNX at all): {e.Message}", e);
        }
        catch
        {
            scan.Dispose();
            throw;
        }
    }

    /// <summary>Reads <paramref name="destination"/>.Length bytes of the file from <paramref name="offset"/>.</summary>
    /// <param name="offset">File offset.</param>
    /// <param name="destination">Where the bytes go.</param>
    public void ReadRaw(long offset, Span<byte> destination)
    {
        _file.Seek(offset, SeekOrigin.Begin);
        _file.ReadExactly(destination);
        _bufferLength = 0;
    }

    /// <inheritdoc/>
    public void Dispose() => _file.Dispose();

    private static void WriteField(Stream target, int field, MemoryStream payload)
    {
        var output = new CodedOutputStream(target, leaveOpen: true);
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteLength((int)payload.Length);
        output.Flush();
        payload.Position = 0;
        payload.CopyTo(target);
    }

    /// <summary>
    /// Copies the fields of the message at [<paramref name="start"/>, <paramref name="end"/>) to <paramref name="target"/>,
    /// except those <paramref name="handle"/> takes (it is called with the field, wire type and payload end, positioned
    /// at the payload, and returns true when it consumed the field).
    /// </summary>
    private void CopyFieldsExcept(long start, long end, Stream target, Func<int, int, long, bool> handle)
    {
        _position = start;
        while (_position < end)
        {
            long fieldStart = _position;
            ulong tag = Varint(end);
            int field = (int)(tag >> 3), wireType = (int)(tag & 7);
            if (field == 0)
            {
                throw Truncated("a field number 0");
            }

            long payloadEnd = wireType == 2 ? PayloadEnd(end) : -1;
            if (payloadEnd >= 0 && handle(field, wireType, payloadEnd))
            {
                _position = payloadEnd;
                continue;
            }

            SkipValue(wireType, payloadEnd, end);
            Copy(fieldStart, _position, target);
        }
    }

    private InitializerLocation ReadInitializer(long end)
    {
        long rawOffset = -1, rawLength = 0;
        var tensor = new MemoryStream();
        CopyFieldsExcept(_position, end, tensor, (field, wireType, rawEnd) =>
        {
            if (field != TensorRawDataField || wireType != 2)
            {
                return false;
            }

            rawOffset = _position;
            rawLength = rawEnd - _position;
            return true;
        });
        return new InitializerLocation(TensorProto.Parser.ParseFrom(tensor.ToArray()), rawOffset, rawLength);
    }

    private long PayloadEnd(long end)
    {
        ulong length = Varint(end);
        if (length > (ulong)(end - _position))
        {
            throw Truncated($"a field of {length} bytes at offset {_position} running past the end of its message");
        }

        return _position + (long)length;
    }

    private void SkipValue(int wireType, long payloadEnd, long end)
    {
        switch (wireType)
        {
            case 0:
                Varint(end);
                break;
            case 1:
                Advance(8, end);
                break;
            case 2:
                _position = payloadEnd;
                break;
            case 5:
                Advance(4, end);
                break;
            default:
                throw Truncated($"wire type {wireType} at offset {_position}");
        }
    }

    private void Advance(int bytes, long end)
    {
        if (_position + bytes > end)
        {
            throw Truncated($"a value running past the end at offset {_position}");
        }

        _position += bytes;
    }

    private ulong Varint(long end)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_position >= end)
            {
                throw Truncated($"a number cut off at offset {_position}");
            }

            byte b = ByteAt(_position++);
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw Truncated($"a number longer than 10 bytes at offset {_position}");
    }

    private byte ByteAt(long offset)
    {
        if (offset < _bufferStart || offset >= _bufferStart + _bufferLength)
        {
            _file.Seek(offset, SeekOrigin.Begin);
            _bufferStart = offset;
            _bufferLength = _file.Read(_buffer, 0, _buffer.Length);
            if (_bufferLength == 0)
            {
                throw Truncated($"the end of the file at offset {offset}");
            }
        }

        return _buffer[offset - _bufferStart];
    }

    private void Copy(long from, long to, Stream target)
    {
        for (long offset = from; offset < to;)
        {
            ByteAt(offset);
            int count = (int)Math.Min(to - offset, _bufferStart + _bufferLength - offset);
            target.Write(_buffer, (int)(offset - _bufferStart), count);
            offset += count;
        }
    }

    private OnnxImportException Truncated(string what) =>
        new($"{_source} is not a valid ONNX model (truncated, or not ONNX at all): {what}.");
}
