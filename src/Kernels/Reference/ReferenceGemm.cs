namespace CnnGpu.Kernels.Reference;

/// <summary>Scalar strided matrix product, the truth for every GEMM-shaped kernel.</summary>
public static class ReferenceGemm
{
    /// <summary>Computes <c>C = A·B (+ bias)</c> for every batch and group of <paramref name="g"/>, accumulating in double.</summary>
    /// <param name="a">Operand A (addressed through the geometry's A strides).</param>
    /// <param name="b">Operand B.</param>
    /// <param name="bias">Bias terms; ignored unless <see cref="GemmGeometry.HasBias"/>.</param>
    /// <param name="c">Result.</param>
    /// <param name="g">Shapes and strides.</param>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, in GemmGeometry g)
    {
        for (int batch = 0; batch < g.BatchCount; batch++)
        {
            for (int group = 0; group < g.GroupCount; group++)
            {
                for (int i = 0; i < g.M; i++)
                {
                    for (int j = 0; j < g.N; j++)
                    {
                        double acc = g.HasBias ? bias[g.BiasIndex(group, i, j)] : 0.0;
                        for (int k = 0; k < g.K; k++)
                        {
                            acc += (double)a[g.AIndex(batch, group, i, k)] * b[g.BIndex(batch, group, k, j)];
                        }

                        c[g.CIndex(batch, group, i, j)] = g.Activate((float)acc);
                    }
                }
            }
        }
    }
}
