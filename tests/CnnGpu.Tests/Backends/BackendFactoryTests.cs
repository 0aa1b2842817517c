using CnnGpu.Runtime;
using CnnGpu.Runtime.Backends;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Tests.Backends;

public sealed class BackendFactoryTests
{
    [Fact]
    public void Device_list_always_has_the_reference_and_the_ilgpu_cpu_accelerator()
    {
        var devices = BackendFactory.ListDevices();
        Assert.Contains(devices, d => d.Id == "reference" && d.Kind == DeviceKind.Reference);
        var cpu = Assert.Single(devices, d => d.Kind == DeviceKind.IlgpuCpu);
        Assert.Equal(Environment.ProcessorCount, cpu.ComputeUnits);
    }

    [Fact]
    public void Auto_prefers_gpus_and_falls_back_to_the_ilgpu_cpu_accelerator()
    {
        var devices = BackendFactory.ListDevices();
        string expected = devices.FirstOrDefault(d => d.Kind == DeviceKind.Cuda)?.Id
            ?? devices.FirstOrDefault(d => d.Kind == DeviceKind.OpenCL)?.Id
            ?? "ilgpu-cpu";
        Assert.Equal(expected, BackendFactory.ResolveAuto());
    }

    [Fact]
    public void Unknown_backend_names_the_choices()
    {
        var e = Assert.Throws<DeviceException>(() => BackendFactory.Open("tpu"));
        Assert.Contains("'tpu'", e.Message, StringComparison.Ordinal);
        Assert.Contains("ilgpu-cpu", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_gpu_index_is_a_device_error_not_a_crash()
    {
        var e = Assert.Throws<DeviceException>(() => BackendFactory.Open("cuda:42"));
        Assert.Contains("cuda:42", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_device_index_is_a_device_error()
    {
        var e = Assert.Throws<DeviceException>(() => BackendFactory.Open("cuda:x"));
        Assert.Contains("cuda:x", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("ilgpu-cpu")]
    public void Every_backend_supports_every_op(string name)
    {
        using var backend = BackendFactory.Open(name);
        Assert.All(Enum.GetValues<OpKind>(), k =>
        {
            var request = new KernelRequest(new Node("n", k, NoAttrs.Instance, [0], 1), [new KernelOperand(0, new TensorShape(1, 16, 4, 4), TensorLayout.Nchw, null)], new TensorShape(1, 16, 4, 4));
            Assert.True(backend.Supports(request, out string? reason), $"{name} lacks {k}: {reason}");
        });
    }
}
