using CnnGpu.Runtime.Graph;

namespace CnnGpu.Runtime.Passes;

/// <summary>
/// Removes Dropout and Identity (no-ops at inference) by letting their readers read the input
/// directly. A no-op between a graph input and a graph output is kept, so outputs never alias inputs.
/// </summary>
public sealed class RemoveNoOpsPass : IGraphPass
{
    /// <inheritdoc/>
    public string Name => "remove-noops";

    /// <inheritdoc/>
    public ComputeGraph Apply(ComputeGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var editor = new GraphEditor(graph);
        var inputs = graph.Inputs.Select(i => i.ValueId).ToHashSet();
        for (int i = 0; i < editor.Nodes.Count; i++)
        {
            if (editor.Nodes[i] is not { Kind: OpKind.Dropout or OpKind.Identity } node)
            {
                continue;
            }

            int source = node.Inputs[0];
            if (editor.IsGraphOutput(node.Output) && (inputs.Contains(source) || editor.IsGraphOutput(source)))
            {
                continue;
            }

            editor.Remove(i);
            editor.Redirect(node.Output, source);
        }

        return editor.Build();
    }
}
