using static CnnGpu.Tests.Onnx.OnnxModelBuilder;
using static CnnGpu.Tests.Onnx.ParityCase;

namespace CnnGpu.Tests.Onnx;

/// <summary>Gemm (alpha, beta, transB, C shapes), MatMul (+ folded Add bias), Flatten→Gemm, Softmax.</summary>
public static class LinearParityCases
{
    public static IEnumerable<ParityCase> All()
    {
        yield return new("GAP → Flatten → Gemm transB=1, C [M]", () => new OnnxModelBuilder()
            .Input("x", -1, 4, 5, 5)
            .Initializer("W", W(31, 5, 4))
            .Initializer("C", W(32, 5))
            .Node("GlobalAveragePool", "x", "g")
            .Node("Flatten", "g", "f", Attr("axis", 1L))
            .Node("Gemm", ["f", "W", "C"], ["y"], Attr("transB", 1L))
            .Output("y"), [4, 5, 5]);
        yield return new("Flatten → Gemm transB=0, alpha 0.5, beta 2, C [1,M], opset 9", () => new OnnxModelBuilder(9) { UseFloatData = true }
            .Input("x", -1, 2, 3, 3)
            .Initializer("B", W(33, 18, 7))
            .Initializer("C", W(34, 1, 7))
            .Node("Flatten", "x", "f")
            .Node("Gemm", ["f", "B", "C"], ["y"], Attr("alpha", 0.5f), Attr("beta", 2f), Attr("transB", 0L))
            .Output("y"), [2, 3, 3]);
        yield return new("Gemm without C (opset 11), then Add bias [M] (folded)", () => new OnnxModelBuilder(11)
            .Input("x", -1, 6)
            .Initializer("W", W(35, 4, 6))
            .Initializer("bias", W(36, 4))
            .Node("Gemm", ["x", "W"], ["g"], Attr("transB", 1L))
            .Node("Add", ["bias", "g"], ["y"])
            .Output("y"), [6]);
        yield return new("Gemm with scalar C", () => new OnnxModelBuilder()
            .Input("x", -1, 6)
            .Initializer("W", W(37, 6, 3))
            .Initializer("C", [0.25f])
            .Node("Gemm", ["x", "W", "C"], ["y"], Attr("beta", 3f))
            .Output("y"), [6]);
        yield return new("Reshape [0,-1] → MatMul → Add bias (folded)", () => new OnnxModelBuilder()
            .Input("x", -1, 2, 3, 3)
            .Ints("shape", 0, -1)
            .Initializer("B", W(38, 18, 6))
            .Initializer("bias", W(39, 6))
            .Node("Reshape", ["x", "shape"], ["f"])
            .Node("MatMul", ["f", "B"], ["m"])
            .Node("Add", ["m", "bias"], ["y"])
            .Output("y"), [2, 3, 3]);
        yield return new("Reshape [-1, F] → MatMul (no bias), twice consumed", () => new OnnxModelBuilder()
            .Input("x", -1, 2, 2, 2)
            .Ints("shape", -1, 8)
            .Initializer("B", W(40, 8, 5))
            .Node("Reshape", ["x", "shape"], ["f"])
            .Node("MatMul", ["f", "B"], ["m"])
            .Node("Relu", "m", "r")
            .Node("Add", ["m", "r"], ["y"])
            .Output("y"), [2, 2, 2]);
        yield return new ParityCase("softmax opset 11 (rank 2, default axis)", () => Softmax(11, [9]), [9]) with { Low = -5f, High = 5f };
        yield return new ParityCase("softmax opset 13 axis -1 (rank 2)", () => Softmax(13, [9], Attr("axis", -1L)), [9]) with { Low = -5f, High = 5f };
        yield return new ParityCase("softmax opset 13 axis 1 over channels (rank 4)", () => Softmax(13, [5, 3, 4], Attr("axis", 1L)), [5, 3, 4]) with { Low = -5f, High = 5f };
        yield return new ParityCase("softmax opset 11 axis 1 on [N,C,1,1]", () => Softmax(11, [6, 1, 1], Attr("axis", 1L)), [6, 1, 1]) with { Low = -5f, High = 5f };
    }

    private static OnnxModelBuilder Softmax(long opset, int[] item, params CnnGpu.Networks.Onnx.Protos.AttributeProto[] attrs) =>
        new OnnxModelBuilder(opset)
            .Input("x", [-1, .. item.Select(d => (long)d)])
            .Node("Softmax", "x", "y", attrs)
            .Output("y");
}
