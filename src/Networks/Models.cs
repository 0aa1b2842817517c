using CnnGpu.Networks.Onnx;
using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Networks;

/// <summary>Loads a network by zoo name (<c>resnet50</c>) or from an ONNX file.</summary>
public static class Models
{
    /// <summary>
    /// An existing file is imported as ONNX; otherwise a zoo name is built (<see cref="TinyNet"/>'s
    /// name included); a path-like name that exists nowhere is reported as a missing file.
    /// </summary>
    /// <param name="model">A zoo name or an ONNX file path.</param>
    /// <param name="options">Zoo build options (ignored for ONNX files).</param>
    /// <exception cref="CnnGpuException">Neither a file nor a known name, or the file cannot be imported.</exception>
    public static ComputeGraph Load(string model, NetworkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (File.Exists(model))
        {
            return OnnxImporter.Load(model);
        }

        if (NetworkZoo.Contains(model))
        {
            return NetworkZoo.Build(model, options);
        }

        if (model == TinyNet.Name)
        {
            // The test network has its own fixed 32×32 input and 10 classes; zoo options do not apply to it.
            return TinyNet.Build();
        }

        return model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || model.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? OnnxImporter.Load(model)
            : throw new CnnGpuException($"'{model}' is neither an existing ONNX file nor a known network name (the zoo: {string.Join(", ", NetworkZoo.Names)}, {TinyNet.Name}).");
    }
}
