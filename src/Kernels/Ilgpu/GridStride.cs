using ILGPU;

namespace CnnGpu.Kernels.Ilgpu;

/// <summary>
/// Grid-stride loop bounds for the 1-D, explicitly grouped element kernels: thread
/// <see cref="Start"/> handles items <c>Start, Start + Step, …</c>. The launcher sizes the grid to the
/// threads the device can keep resident, so a huge tensor costs no huge grid and the CPU accelerator
/// (one OS thread per simulated thread, a barrier per group) pays its per-group cost only a few times.
/// Kernels read <see cref="Step"/> once before the loop: on the CPU accelerator every grid/group
/// index is a thread-static lookup, on a GPU a special register.
/// </summary>
internal static class GridStride
{
    /// <summary>First item of the calling thread.</summary>
    public static int Start => (Grid.IdxX * Group.DimX) + Group.IdxX;

    /// <summary>Distance between consecutive items of one thread.</summary>
    public static int Step => Grid.DimX * Group.DimX;
}
