using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Tests.Support;

/// <summary>Shared zoo test inputs: the smallest convenient input per architecture, and the logits of a graph.</summary>
public static class ZooCases
{
    /// <summary>The smallest convenient square input each architecture allows (its pools and strides must leave ≥ 1×1).</summary>
    public static int ReducedInput(string network) => network switch
    {
        "alexnet" or "alexnet-v1" => 67,
        "googlenet" or "bn-inception" or "se-bn-inception" => 64,
        // Unpadded stem and reductions: 75 → 37 → 35 → 17 → 15 → 7 → 3 → 1.
        "inception-resnet-v2" or "se-inception-resnet-v2" => 75,
        _ => 32,
    };

    /// <summary>Every zoo network with its reduced input.</summary>
    public static TheoryData<string, int> ReducedInputs()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in NetworkZoo.Names)
        {
            data.Add(name, ReducedInput(name));
        }

        return data;
    }

    /// <summary>The same graph with the final softmax's input (the logits) as its output, where relative error is meaningful.</summary>
    public static ComputeGraph Logits(ComputeGraph graph)
    {
        var softmax = graph.Nodes.Single(n => n.Kind == OpKind.Softmax && n.Output == graph.Outputs[0]);
        return new ComputeGraph(graph.Name, graph.Values, graph.Nodes.Remove(softmax), graph.Inputs, [softmax.Inputs[0]]);
    }
}
