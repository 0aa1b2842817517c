using static CnnGpu.Tests.Onnx.OnnxModelBuilder;
using static CnnGpu.Tests.Onnx.ParityCase;

namespace CnnGpu.Tests.Onnx;

/// <summary>Add (residual, bias broadcast), Sub, Mul (SE gating, constant scales) and the SE-block export patterns (1×1 convs, Reshape or Unsqueeze of the gate).</summary>
public static class ElementwiseParityCases
{
    public static IEnumerable<ParityCase> All()
    {
        yield return Residual("Add residual (conv(x) + x)", "Add");
        yield return Residual("Sub of two computed tensors (conv(x) − x)", "Sub");
        yield return Constant("Add per-channel bias [1,C,1,1] after Relu", "Add", x: "r", c: "c", cDims: [1, 4, 1, 1]);
        yield return Constant("Add scalar constant", "Add", x: "r", c: "c", cDims: []);
        yield return Constant("Sub per-channel constant [C,1,1]", "Sub", x: "r", c: "c", cDims: [4, 1, 1]);
        yield return Constant("Sub constant − x, per channel [1,C,1,1]", "Sub", x: "c", c: "r", cDims: [1, 4, 1, 1]);
        yield return Constant("Mul per-channel scale [1,C,1,1]", "Mul", x: "r", c: "c", cDims: [1, 4, 1, 1]);
        yield return Constant("Mul scalar [1]", "Mul", x: "c", c: "r", cDims: [1]);
        yield return Constant("Add whole-item constant [1,C,H,W] (batch 1)", "Add", x: "r", c: "c", cDims: [1, 4, 5, 5]) with { Batch = 1 };
        yield return Constant("Sub whole-item constant [C,H,W] (a mean image, batch 1)", "Sub", x: "r", c: "c", cDims: [4, 5, 5]) with { Batch = 1 };
        yield return new("SE gate: GAP → Conv → Relu → Conv → Sigmoid → Mul", () => new OnnxModelBuilder()
            .Input("x", -1, 8, 5, 5)
            .Initializer("w1", W(51, 2, 8, 1, 1)).Initializer("b1", W(52, 2))
            .Initializer("w2", W(53, 8, 2, 1, 1)).Initializer("b2", W(54, 8))
            .Node("GlobalAveragePool", "x", "squeeze")
            .Node("Conv", ["squeeze", "w1", "b1"], ["z1"])
            .Node("Relu", "z1", "r1")
            .Node("Conv", ["r1", "w2", "b2"], ["z2"])
            .Node("Sigmoid", "z2", "gate")
            .Node("Mul", ["x", "gate"], ["y"])
            .Output("y"), [8, 5, 5]);
        yield return new("SE gate: GAP → Flatten → Gemm → Relu → Gemm → Sigmoid → Reshape [-1,C,1,1] → Mul", () => new OnnxModelBuilder()
            .Input("x", -1, 8, 4, 6)
            .Initializer("w1", W(55, 2, 8)).Initializer("b1", W(56, 2))
            .Initializer("w2", W(57, 8, 2)).Initializer("b2", W(58, 8))
            .Ints("gate_shape", -1, 8, 1, 1)
            .Node("GlobalAveragePool", "x", "squeeze")
            .Node("Flatten", "squeeze", "flat")
            .Node("Gemm", ["flat", "w1", "b1"], ["z1"], Attr("transB", 1L))
            .Node("Relu", "z1", "r1")
            .Node("Gemm", ["r1", "w2", "b2"], ["z2"], Attr("transB", 1L))
            .Node("Sigmoid", "z2", "s")
            .Node("Reshape", ["s", "gate_shape"], ["gate"])
            .Node("Mul", ["gate", "x"], ["y"])
            .Output("y"), [8, 4, 6]);
        yield return UnsqueezedGate("SE gate: … → Sigmoid → Unsqueeze (axes input [2, 3], opset 13) → Mul", 13, [2, 3]);
        yield return UnsqueezedGate("SE gate: … → Sigmoid → Unsqueeze (axes attribute [-1, -2], opset 11) → Mul", 11, [-1, -2]);
    }

    /// <summary>r = Relu(x); y = op(x-side, c-side) where the constant "c" has <paramref name="cDims"/>.</summary>
    private static ParityCase Constant(string name, string op, string x, string c, long[] cDims) =>
        new(name, () => new OnnxModelBuilder()
            .Input("x", -1, 4, 5, 5)
            .Initializer("c", W(41, [.. cDims.Select(d => (int)d)]))
            .Node("Relu", "x", "r")
            .Node(op, [x, c], ["y"])
            .Output("y"), [4, 5, 5]);

    /// <summary>The SE block as CnnGpu's exporter (and PyTorch) writes it: the [N, C] gate unsqueezed to [N, C, 1, 1].</summary>
    private static ParityCase UnsqueezedGate(string name, long opset, long[] axes) =>
        new(name, () =>
        {
            var b = new OnnxModelBuilder(opset)
                .Input("x", -1, 6, 5, 4)
                .Initializer("w1", W(59, 3, 6)).Initializer("w2", W(60, 6, 3))
                .Node("GlobalAveragePool", "x", "squeeze")
                .Node("Flatten", "squeeze", "flat")
                .Node("Gemm", ["flat", "w1"], ["z1"], Attr("transB", 1L))
                .Node("Relu", "z1", "r1")
                .Node("Gemm", ["r1", "w2"], ["z2"], Attr("transB", 1L))
                .Node("Sigmoid", "z2", "s");
            if (opset >= 13)
            {
                b.Ints("axes", axes).Node("Unsqueeze", ["s", "axes"], ["gate"]);
            }
            else
            {
                b.Node("Unsqueeze", "s", "gate", Attr("axes", axes));
            }

            return b.Node("Mul", ["x", "gate"], ["y"]).Output("y");
        }, [6, 5, 4]);

    private static ParityCase Residual(string name, string op) =>
        new(name, () => new OnnxModelBuilder()
            .Input("x", -1, 4, 6, 6)
            .Initializer("W", W(42, 4, 4, 3, 3))
            .Node("Conv", ["x", "W"], ["c"], Attr("pads", 1, 1, 1, 1))
            .Node(op, ["c", "x"], ["y"])
            .Output("y"), [4, 6, 6]);
}
