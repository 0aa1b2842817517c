using CnnGpu.Networks.Onnx.Protos;

namespace CnnGpu.Networks.Onnx;

/// <summary>
/// Import-time evaluation of nodes whose inputs are all constants, as other runtimes fold them: the shape
/// arithmetic exporters write around Reshape and Slice (<c>Shape → Gather → Div → Unsqueeze → Concat</c>),
/// Identity of a shared initializer, Clip bounds. The one table below maps an op to a function over constant
/// tensors; a folded node's outputs become constants and no graph node is emitted.
/// </summary>
/// <remarks>
/// <c>Shape</c> folds even though its input is computed: every dimension is static except the batch, which
/// becomes <see cref="OnnxConstant.BatchSymbol"/>. Arithmetic on a symbol yields
/// <see cref="OnnxConstant.UnknownSymbol"/> (except ×1, ÷1, +0), which only fails where something reads it.
/// </remarks>
internal static class ConstantFolding
{
    private delegate OnnxConstant Fold(OnnxNode node, OnnxConstant[] inputs, string output);

    private static readonly Dictionary<string, Fold> Table = new(StringComparer.Ordinal)
    {
        ["Identity"] = (node, x, output) => Rename(x[0], output),
        ["Cast"] = Cast,
        ["Gather"] = Gather,
        ["Unsqueeze"] = Unsqueeze,
        ["Squeeze"] = Squeeze,
        ["Concat"] = Concat,
        ["Slice"] = Slice,
        ["Reshape"] = Reshape,
        ["Add"] = (node, x, output) => Binary(node, x, output, (a, b) => a + b, (a, b) => a + b, 0, false),
        ["Sub"] = (node, x, output) => Binary(node, x, output, (a, b) => a - b, (a, b) => a - b, 0, false),
        ["Mul"] = (node, x, output) => Binary(node, x, output, (a, b) => a * b, (a, b) => a * b, 1, true),
        ["Div"] = (node, x, output) => Binary(node, x, output, (a, b) => b == 0 ? throw node.Error("it divides by zero.") : a / b, (a, b) => a / b, 1, false),
    };

    /// <summary>Every op the table folds, Shape included (for the importer's list of supported ops).</summary>
    public static IEnumerable<string> Ops => Table.Keys.Append("Shape");

    /// <summary>
    /// Folds <paramref name="node"/> when its op is in the table and every input is a constant (or, for
    /// <c>Shape</c>, any value whose shape is known); defines its outputs as constants.
    /// </summary>
    /// <returns>True when the node was folded (nothing more to do for it).</returns>
    public static bool TryFold(ImportContext ctx, OnnxNode node)
    {
        if (node.OpType == "Shape")
        {
            node.AllowOnly("start", "end");
            ctx.DefineConstant(Shape(node, ctx.ShapeOf(node, 0), ctx.TryConstant(node, 0) is not null));
            return true;
        }

        if (!Table.TryGetValue(node.OpType, out var fold) || node.Proto.Output.Count != 1)
        {
            return false;
        }

        var inputs = new OnnxConstant[node.InputCount];
        for (int i = 0; i < inputs.Length; i++)
        {
            if (!node.HasInput(i))
            {
                continue;
            }

            if (ctx.TryConstant(node, i) is not { } constant)
            {
                return false;
            }

            inputs[i] = constant;
        }

        ctx.DefineConstant(fold(node, inputs, node.Output));
        return true;
    }

    private static OnnxConstant Rename(OnnxConstant x, string name, long[]? dims = null) =>
        x.Floats is { } f ? OnnxConstant.OfFloats(name, dims ?? x.Dims, f) : OnnxConstant.OfIntegers(name, dims ?? x.Dims, x.Integers!);

    private static OnnxConstant Shape(OnnxNode node, long[] shape, bool isConstant)
    {
        // A computed value's first dimension is the batch (CnnGpu infers every shape for a batch of one).
        long[] dims = [.. shape];
        if (!isConstant && dims.Length > 0)
        {
            dims[0] = OnnxConstant.BatchSymbol;
        }

        int rank = dims.Length;
        long start = Math.Clamp(Axis(node.Int("start", 0), rank), 0, rank);
        long end = Math.Clamp(node.Has("end") ? Axis(node.Int("end", rank), rank) : rank, start, rank);
        return OnnxConstant.OfIntegers(node.Output, [end - start], dims[(int)start..(int)end]);
    }

    private static OnnxConstant Cast(OnnxNode node, OnnxConstant[] x, string output)
    {
        long to = node.Int("to", 0);
        bool toFloat = to is (long)TensorProto.Types.DataType.Float or (long)TensorProto.Types.DataType.Double or (long)TensorProto.Types.DataType.Float16;
        if (toFloat)
        {
            return OnnxConstant.OfFloats(output, x[0].Dims, x[0].Floats ?? [.. Ints(node, x[0], "cast to float").Select(v => (float)v)]);
        }

        // Integer and boolean targets: truncate toward zero, as ONNX casts do.
        return OnnxConstant.OfIntegers(output, x[0].Dims, x[0].Integers ?? [.. x[0].Floats!.Select(v => to == (long)TensorProto.Types.DataType.Bool ? (v != 0 ? 1L : 0L) : (long)v)]);
    }

    private static OnnxConstant Gather(OnnxNode node, OnnxConstant[] x, string output)
    {
        var (data, indices) = (x[0], x[1]);
        int rank = data.Dims.Length;
        int axis = (int)Axis(node.Int("axis", 0), rank);
        long[] index = Ints(node, indices, "indices");
        long outer = Product(data.Dims[..axis]), inner = Product(data.Dims[(axis + 1)..]), length = data.Dims[axis];
        long[] dims = [.. data.Dims[..axis], .. indices.Dims, .. data.Dims[(axis + 1)..]];
        var positions = new List<long>();
        for (long o = 0; o < outer; o++)
        {
            foreach (long raw in index)
            {
                long i = raw < 0 ? raw + length : raw;
                if (i < 0 || i >= length)
                {
                    throw node.Error($"index {raw} is out of range for axis {axis} of length {length}.");
                }

                for (long k = 0; k < inner; k++)
                {
                    positions.Add((((o * length) + i) * inner) + k);
                }
            }
        }

        return Pick(data, output, dims, positions);
    }

    private static OnnxConstant Unsqueeze(OnnxNode node, OnnxConstant[] x, string output)
    {
        long[] axes = node.Opset >= 13 ? Ints(node, x[1], "axes") : node.Ints("axes") ?? throw node.Error("axes is required.", "axes");
        int rank = x[0].Dims.Length + axes.Length;
        var inserted = axes.Select(a => Axis(a, rank)).ToHashSet();
        var dims = new List<long>();
        for (int i = 0, source = 0; i < rank; i++)
        {
            dims.Add(inserted.Contains(i) ? 1 : x[0].Dims[source++]);
        }

        return Rename(x[0], output, [.. dims]);
    }

    private static OnnxConstant Squeeze(OnnxNode node, OnnxConstant[] x, string output)
    {
        long[]? axes = node.Opset >= 13 ? (node.HasInput(1) ? Ints(node, x[1], "axes") : null) : node.Ints("axes");
        int rank = x[0].Dims.Length;
        var removed = axes?.Select(a => Axis(a, rank)).ToHashSet();
        long[] dims = [.. x[0].Dims.Where((d, i) => removed is null ? d != 1 : !removed.Contains(i))];
        return Rename(x[0], output, dims);
    }

    private static OnnxConstant Concat(OnnxNode node, OnnxConstant[] x, string output)
    {
        var parts = x.Where(c => c is not null && c.Count > 0).ToArray();
        if (parts.Length == 0)
        {
            return Rename(x[0], output);
        }

        int rank = parts[0].Dims.Length;
        int axis = (int)Axis(node.Int("axis", 0), rank);
        long outer = Product(parts[0].Dims[..axis]);
        long[] dims = [.. parts[0].Dims];
        dims[axis] = parts.Sum(p => p.Dims[axis]);
        bool floats = parts[0].Floats is not null;
        var f = new List<float>();
        var l = new List<long>();
        for (long o = 0; o < outer; o++)
        {
            foreach (var p in parts)
            {
                long chunk = p.Count / outer;
                if (floats)
                {
                    f.AddRange(p.Floats!.Skip((int)(o * chunk)).Take((int)chunk));
                }
                else
                {
                    l.AddRange(p.Integers!.Skip((int)(o * chunk)).Take((int)chunk));
                }
            }
        }

        return floats ? OnnxConstant.OfFloats(output, dims, [.. f]) : OnnxConstant.OfIntegers(output, dims, [.. l]);
    }

    private static OnnxConstant Slice(OnnxNode node, OnnxConstant[] x, string output)
    {
        var data = x[0];
        int rank = data.Dims.Length;
        var (starts, ends, axes, steps) = SliceArguments(node, x.Length > 1 ? x[1..] : [], rank);
        long[] begin = new long[rank], step = [.. Enumerable.Repeat(1L, rank)], dims = [.. data.Dims];
        for (int i = 0; i < axes.Length; i++)
        {
            int a = (int)axes[i];
            var (b, count) = SliceRange(starts[i], ends[i], steps[i], data.Dims[a]);
            (begin[a], step[a], dims[a]) = (b, steps[i], count);
        }

        var positions = new List<long>();
        var index = new long[rank];
        long total = Product(dims);
        for (long n = 0; n < total; n++)
        {
            long rest = n, flat = 0;
            for (int d = rank - 1; d >= 0; d--)
            {
                index[d] = rest % dims[d];
                rest /= dims[d];
            }

            for (int d = 0; d < rank; d++)
            {
                flat = (flat * data.Dims[d]) + begin[d] + (index[d] * step[d]);
            }

            positions.Add(flat);
        }

        return Pick(data, output, dims, positions);
    }

    private static OnnxConstant Reshape(OnnxNode node, OnnxConstant[] x, string output)
    {
        long[] requested = Ints(node, x[1], "shape");
        long[] dims = [.. requested.Select((d, i) => d == 0 && node.Int("allowzero", 0) == 0 ? x[0].Dims[i] : d)];
        int inferred = Array.IndexOf(dims, -1L);
        if (inferred >= 0)
        {
            long known = dims.Where((d, i) => i != inferred).Aggregate(1L, (a, d) => a * d);
            dims[inferred] = known == 0 ? 0 : x[0].Count / known;
        }

        return Product(dims) == x[0].Count
            ? Rename(x[0], output, dims)
            : throw node.Error($"shape [{string.Join(", ", requested)}] does not fit the {x[0].Count} elements of constant '{x[0].Name}'.", "shape");
    }

    /// <summary>NumPy-broadcast elementwise arithmetic; symbols survive only the identity element (×1, ÷1, +0).</summary>
    private static OnnxConstant Binary(OnnxNode node, OnnxConstant[] x, string output, Func<long, long, long> integer, Func<float, float, float> real, long identity, bool commutes)
    {
        var (a, b) = (x[0], x[1]);
        int rank = Math.Max(a.Dims.Length, b.Dims.Length);
        long[] Pad(long[] d) => [.. Enumerable.Repeat(1L, rank - d.Length), .. d];
        long[] da = Pad(a.Dims), db = Pad(b.Dims);
        var dims = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            dims[i] = da[i] == db[i] || db[i] == 1 ? da[i] : da[i] == 1 ? db[i] : throw node.Error($"constants {a.ShapeText} and {b.ShapeText} do not broadcast.");
        }

        long total = Product(dims);
        long Source(long[] d, long n)
        {
            long flat = 0, stride = 1;
            for (int i = rank - 1; i >= 0; i--)
            {
                long coordinate = n % dims[i];
                n /= dims[i];
                flat += (d[i] == 1 ? 0 : coordinate) * stride;
                stride *= d[i];
            }

            return flat;
        }

        if (a.Floats is not null || b.Floats is not null)
        {
            float[] fa = Reals(node, a), fb = Reals(node, b);
            return OnnxConstant.OfFloats(output, dims, [.. Enumerable.Range(0, (int)total).Select(n => real(fa[Source(da, n)], fb[Source(db, n)]))]);
        }

        long Apply(long p, long q) =>
            OnnxConstant.IsSymbol(p) ? (q == identity ? p : OnnxConstant.UnknownSymbol)
            : OnnxConstant.IsSymbol(q) ? (commutes && p == identity ? q : OnnxConstant.UnknownSymbol)
            : integer(p, q);
        return OnnxConstant.OfIntegers(output, dims, [.. Enumerable.Range(0, (int)total).Select(n => Apply(a.Integers![Source(da, n)], b.Integers![Source(db, n)]))]);
    }

    /// <summary>Slice's starts, ends, axes (normalised) and steps: inputs from opset 10, attributes before.</summary>
    public static (long[] Starts, long[] Ends, long[] Axes, long[] Steps) SliceArguments(OnnxNode node, OnnxConstant?[] arguments, int rank)
    {
        long[] starts, ends;
        long[]? axes, steps = null;
        if (node.Opset >= 10)
        {
            OnnxConstant? Arg(int i) => i < arguments.Length ? arguments[i] : null;
            starts = Ints(node, Arg(0) ?? throw node.Error("starts is required."), "starts");
            ends = Ints(node, Arg(1) ?? throw node.Error("ends is required."), "ends");
            axes = Arg(2) is { } ax ? Ints(node, ax, "axes") : null;
            steps = Arg(3) is { } st ? Ints(node, st, "steps") : null;
        }
        else
        {
            starts = node.Ints("starts") ?? throw node.Error("starts is required.", "starts");
            ends = node.Ints("ends") ?? throw node.Error("ends is required.", "ends");
            axes = node.Ints("axes");
        }

        axes ??= [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
        steps ??= [.. Enumerable.Repeat(1L, starts.Length)];
        if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length || steps.Any(s => s == 0))
        {
            throw node.Error("starts, ends, axes and steps must have one entry per sliced axis, and no step may be 0.");
        }

        return (starts, ends, [.. axes.Select(a => Axis(a, rank))], steps);
    }

    /// <summary>The first index and element count of slicing a dimension of <paramref name="length"/> (ONNX clamping rules).</summary>
    public static (long Begin, long Count) SliceRange(long start, long end, long step, long length)
    {
        static long Clamp(long v, long length, long low, long high) => Math.Clamp(v < 0 ? v + length : v, low, high);
        long begin = step > 0 ? Clamp(start, length, 0, length) : Clamp(start, length, -1, length - 1);
        long stop = step > 0 ? Clamp(end, length, 0, length) : Clamp(end, length, -1, length - 1);
        long count = step > 0 ? Math.Max(0, (stop - begin + step - 1) / step) : Math.Max(0, (begin - stop - step - 1) / -step);
        return (begin, count);
    }

    private static OnnxConstant Pick(OnnxConstant data, string output, long[] dims, List<long> positions) =>
        data.Floats is { } f
            ? OnnxConstant.OfFloats(output, dims, [.. positions.Select(p => f[p])])
            : OnnxConstant.OfIntegers(output, dims, [.. positions.Select(p => data.Integers![p])]);

    private static long[] Ints(OnnxNode node, OnnxConstant c, string role) =>
        c.Integers ?? throw node.Error($"{role} '{c.Name}' must be an integer tensor.");

    private static float[] Reals(OnnxNode node, OnnxConstant c) =>
        c.Floats ?? [.. c.Integers!.Select(v => OnnxConstant.IsSymbol(v) ? throw node.Error($"'{c.Name}' depends on the batch size, which is not known at import time.") : (float)v)];

    private static long Axis(long axis, int rank) => axis < 0 ? axis + rank : axis;

    private static long Product(IEnumerable<long> dims) => dims.Aggregate(1L, (a, d) => a * d);
}
