namespace CnnGpu.Kernels.Ilgpu.Tiles;

/// <summary>Four adjacent floats, read from shared memory as one 128-bit load.</summary>
internal struct Quad
{
    public float X, Y, Z, W;
}
