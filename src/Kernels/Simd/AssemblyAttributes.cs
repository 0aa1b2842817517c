using System.Runtime.CompilerServices;

// The SIMD kernels stackalloc small vector scratch (Winograd tiles, LRN rows) in their hot loops; every such
// buffer is written before it is read, so the JIT's zero-initialisation of locals would be pure overhead.
[module: SkipLocalsInit]

// ILGPU's CPU accelerator runs kernels through code it emits into a dynamic assembly of this name; the tile
// kernels' operand structs are internal, so that assembly must see them.
[assembly: InternalsVisibleTo("ILGPURuntime")]
