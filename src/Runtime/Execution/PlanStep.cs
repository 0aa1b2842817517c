using CnnGpu.Runtime.Backends;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Runtime.Execution;

/// <summary>One launch of an execution plan as reports show it.</summary>
/// <param name="Name">The node's name, or <c>value→layout</c> for a layout conversion the plan added.</param>
/// <param name="Kind">The node's op; null for a layout conversion.</param>
/// <param name="Algorithm">What runs, e.g. <c>conv/direct 2x12</c> or <c>reorder NCHW→NCHW16c</c>.</param>
/// <param name="OutputLayout">The layout the step writes.</param>
/// <param name="Elided">True for a reshape planned onto its input's storage, which launches nothing.</param>
public sealed record PlanStep(string Name, OpKind? Kind, string Algorithm, TensorLayout OutputLayout, bool Elided);
