using CnnGpu.Runtime.Backends;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Tests.Support;

/// <summary>Runs one op as a one-node graph: activations are graph inputs (dim 0 = batch), parameters are constants.</summary>
public static class SingleOp
{
    public static ComputeGraph Graph(OpKind kind, OpAttributes attrs, Tensor[] activations, Tensor[] parameters)
    {
        var b = new GraphBuilder($"single-{kind}");
        var ids = new List<int>();
        for (int i = 0; i < activations.Length; i++)
        {
            ids.Add(b.Input($"x{i}", [.. activations[i].Shape.Dimensions.Skip(1)]));
        }

        for (int i = 0; i < parameters.Length; i++)
        {
            ids.Add(b.Constant($"p{i}", parameters[i]));
        }

        b.Output(b.Add(kind.ToString(), kind, attrs, [.. ids]));
        return b.Build();
    }

    public static Tensor Run(IBackend backend, OpKind kind, OpAttributes attrs, Tensor[] activations, params Tensor[] parameters)
    {
        using var executor = new Executor(Graph(kind, attrs, activations, parameters), backend);
        return executor.RunAll(activations)[0];
    }
}
