namespace CnnGpu.Tests.Hardening;

/// <summary>
/// Seeded mutations of a valid file, the kinds that damaged or hostile files show: truncation, bit flips,
/// random overwrites, huge protobuf varints (ten 0xFF bytes: more than 64 bits), and duplicated slices.
/// </summary>
internal sealed class Mutator(int seed)
{
    private readonly Random _random = new(seed);

    /// <summary>The mutation kinds, in the order <see cref="Mutate"/> cycles through them.</summary>
    public static readonly string[] Kinds = ["truncate", "bit-flips", "overwrite", "huge-varint", "duplicate-slice", "size-field"];

    /// <summary>A mutated copy of <paramref name="original"/> and the kind of mutation.</summary>
    /// <param name="original">A valid file's bytes.</param>
    /// <param name="iteration">Which mutation this is (picks the kind round-robin).</param>
    public (byte[] Bytes, string Kind) Mutate(byte[] original, int iteration)
    {
        string kind = Kinds[iteration % Kinds.Length];
        var bytes = (byte[])original.Clone();
        switch (kind)
        {
            case "truncate":
                return (bytes[.._random.Next(0, bytes.Length)], kind);
            case "bit-flips":
                for (int i = 0, n = _random.Next(1, 9); i < n; i++)
                {
                    bytes[_random.Next(bytes.Length)] ^= (byte)(1 << _random.Next(8));
                }

                return (bytes, kind);
            case "overwrite":
            {
                int at = _random.Next(bytes.Length), length = Math.Min(_random.Next(1, 17), bytes.Length - at);
                _random.NextBytes(bytes.AsSpan(at, length));
                return (bytes, kind);
            }

            case "huge-varint":
            {
                int at = _random.Next(bytes.Length);
                byte[] varint = [.. Enumerable.Repeat((byte)0xFF, 10), 0x01];
                return ([.. bytes[..at], .. varint, .. bytes[Math.Min(bytes.Length, at + _random.Next(0, 4))..]], kind);
            }

            case "duplicate-slice":
            {
                int from = _random.Next(bytes.Length), length = Math.Min(_random.Next(1, 256), bytes.Length - from), at = _random.Next(bytes.Length);
                return ([.. bytes[..at], .. bytes.AsSpan(from, length), .. bytes[at..]], kind);
            }

            default:
            {
                // A plausible length or dimension gone huge: a 4-byte run set to a large little-endian number.
                int at = _random.Next(Math.Max(1, bytes.Length - 4));
                uint value = (uint)_random.Next(1 << 20, int.MaxValue);
                for (int i = 0; i < 4 && at + i < bytes.Length; i++)
                {
                    bytes[at + i] = (byte)(value >> (8 * i));
                }

                return (bytes, kind);
            }
        }
    }
}
