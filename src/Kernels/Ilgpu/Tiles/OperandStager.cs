using System.Runtime.CompilerServices;
using ILGPU;

namespace CnnGpu.Kernels.Ilgpu.Tiles;

/// <summary>
/// One thread's share of staging one operand's <c>side × depth</c> tile (side = 8·T outer indices, depth = T
/// values of k) into shared memory: eight elements per K slice, read from global memory into registers while
/// the previous slice is being multiplied, then written to the other shared-memory stage.
/// </summary>
/// <remarks>
/// Element r of a thread is element <c>lid + r·threads</c> of the tile. With T×T threads the thread count is a
/// multiple of the depth, and for T ≥ 8 also of the side, so a thread's elements keep fixed coordinates for the
/// whole tile: along the outer axis (consecutive threads, consecutive outer indices: coalesced when outer is the
/// unit-stride axis) a thread always reads the same outer index, whose site is located once per tile; along K
/// it always reads the same k offset. With T = 4 (the 16-thread groups of the CPU simulator) the side is twice
/// the thread count, so along the outer axis a thread alternates between two outer indices, both located once.
/// </remarks>
internal readonly struct OperandStager<TOp, TSite>
    where TOp : struct, ITileOperand<TSite>
    where TSite : struct
{
    private readonly TOp _op;
    private readonly TSite _site;
    private readonly TSite _site2;
    private readonly int _slice;
    private readonly int _origin;
    private readonly int _extent;
    private readonly int _depthTotal;
    private readonly int _fixed;
    private readonly int _first;
    private readonly int _step;
    private readonly int _inRange;
    private readonly int _inRange2;

    // 1 when a thread covers two outer indices (side = 2·threads, T = 4), else 0; odd elements take the second.
    private readonly int _pairs;
    private readonly int _threads;

    /// <summary>Places the calling thread in the tile whose first outer index is <paramref name="origin"/>.</summary>
    /// <param name="op">The operand.</param>
    /// <param name="slice">The slice.</param>
    /// <param name="origin">First outer index of the tile.</param>
    /// <param name="extent">Outer indices in the operand (M or N).</param>
    /// <param name="depthTotal">K.</param>
    /// <param name="lid">Linear thread index in the group.</param>
    /// <param name="threads">Threads in the group.</param>
    /// <param name="side">Outer indices per tile (8·T).</param>
    /// <param name="depth">K values per slice (T).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public OperandStager(TOp op, int slice, int origin, int extent, int depthTotal, int lid, int threads, int side, int depth)
    {
        _op = op;
        _slice = slice;
        _origin = origin;
        _extent = extent;
        _depthTotal = depthTotal;
        _threads = threads;
        if (op.AlongOuter != 0)
        {
            _pairs = side > threads ? 1 : 0;
            _fixed = lid % side;
            _first = lid / side;
            _step = _pairs != 0 ? 1 : threads / side;
            int outer = origin + _fixed;
            _inRange = outer < extent ? 1 : 0;
            _site = op.Locate(slice, outer < extent ? outer : origin);
            int outer2 = outer + threads;
            _inRange2 = _pairs != 0 && outer2 < extent ? 1 : 0;
            _site2 = _inRange2 != 0 ? op.Locate(slice, outer2) : _site;
        }
        else
        {
            _pairs = 0;
            _fixed = lid % depth;
            _first = lid / depth;
            _step = threads / depth;
            _inRange = 1;
            _inRange2 = 1;
            _site = default;
            _site2 = default;
        }
    }

    /// <summary>Reads the thread's eight elements of the K slice starting at <paramref name="k0"/> (zero past M/N and K).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vec8 Fetch(ArrayView<float> data, ArrayView<int> table, int k0)
    {
        var v = default(Vec8);
        v.V0 = Element(data, table, k0, 0);
        v.V1 = Element(data, table, k0, 1);
        v.V2 = Element(data, table, k0, 2);
        v.V3 = Element(data, table, k0, 3);
        v.V4 = Element(data, table, k0, 4);
        v.V5 = Element(data, table, k0, 5);
        v.V6 = Element(data, table, k0, 6);
        v.V7 = Element(data, table, k0, 7);
        return v;
    }

    /// <summary>Writes the eight fetched elements into a shared-memory stage laid out <c>[k][outer]</c> with row pitch <paramref name="pitch"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Put(ArrayView<float> stage, int pitch, in Vec8 v)
    {
        stage[Position(0, pitch)] = v.V0;
        stage[Position(1, pitch)] = v.V1;
        stage[Position(2, pitch)] = v.V2;
        stage[Position(3, pitch)] = v.V3;
        stage[Position(4, pitch)] = v.V4;
        stage[Position(5, pitch)] = v.V5;
        stage[Position(6, pitch)] = v.V6;
        stage[Position(7, pitch)] = v.V7;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Position(int r, int pitch) => _op.AlongOuter != 0
        ? ((_first + ((r >> _pairs) * _step)) * pitch) + _fixed + ((r & _pairs) * _threads)
        : (_fixed * pitch) + _first + (r * _step);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float Element(ArrayView<float> data, ArrayView<int> table, int k0, int r)
    {
        if (_op.AlongOuter != 0)
        {
            int k = k0 + _first + ((r >> _pairs) * _step);
            bool second = (r & _pairs) != 0;
            return (second ? _inRange2 : _inRange) != 0 && k < _depthTotal ? _op.Load(data, table, second ? _site2 : _site, k) : 0f;
        }
        else
        {
            int k = k0 + _fixed;
            int outer = _origin + _first + (r * _step);
            return outer < _extent && k < _depthTotal ? _op.Load(data, table, _op.Locate(_slice, outer), k) : 0f;
        }
    }
}
