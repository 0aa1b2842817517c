using System.Runtime.CompilerServices;

namespace CnnGpu.Kernels.Ilgpu.Tiles;

/// <summary>
/// Eight floats held in registers: one operand column of a thread's 8×8 micro-tile, one accumulator row,
/// or the eight elements a thread stages per operand and K slice. A struct of fields (not an array):
/// ILGPU keeps struct values in SSA registers, whereas an array would live in local memory.
/// </summary>
internal struct Vec8
{
    public float V0, V1, V2, V3, V4, V5, V6, V7;

    /// <summary>Element <paramref name="i"/> (0–7); with a constant index it folds to a register.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly float Get(int i) => i switch
    {
        0 => V0,
        1 => V1,
        2 => V2,
        3 => V3,
        4 => V4,
        5 => V5,
        6 => V6,
        _ => V7,
    };

    /// <summary>Sets element <paramref name="i"/> (0–7).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Set(int i, float value)
    {
        switch (i)
        {
            case 0: V0 = value; break;
            case 1: V1 = value; break;
            case 2: V2 = value; break;
            case 3: V3 = value; break;
            case 4: V4 = value; break;
            case 5: V5 = value; break;
            case 6: V6 = value; break;
            default: V7 = value; break;
        }
    }

    /// <summary><c>this + a·b</c> element by element (one accumulator row times one broadcast A value).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vec8 MultiplyAdd(float a, in Vec8 b) => new()
    {
        V0 = V0 + (a * b.V0),
        V1 = V1 + (a * b.V1),
        V2 = V2 + (a * b.V2),
        V3 = V3 + (a * b.V3),
        V4 = V4 + (a * b.V4),
        V5 = V5 + (a * b.V5),
        V6 = V6 + (a * b.V6),
        V7 = V7 + (a * b.V7),
    };
}
