using CnnGpu.Kernels.Simd;
using CnnGpu.Runtime;
using CnnGpu.Runtime.Backends;
using CnnGpu.Runtime.Backends.Cpu;
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
    public void Auto_prefers_gpus_and_falls_back_to_the_simd_cpu_backend()
    {
        var devices = BackendFactory.ListDevices();
        string expected = devices.FirstOrDefault(d => d.Kind == DeviceKind.Cuda)?.Id
            ?? devices.FirstOrDefault(d => d.Kind == DeviceKind.OpenCL)?.Id
            ?? (SimdCapabilities.Widest is null ? "ilgpu-cpu" : "cpu");
        Assert.Equal(expected, BackendFactory.ResolveAuto());
    }

    [Fact]
    public void Device_list_has_the_simd_cpu_backend_with_its_vector_width()
    {
        var cpu = Assert.Single(BackendFactory.ListDevices(), d => d.Kind == DeviceKind.Cpu);
        Assert.Equal("cpu", cpu.Id);
        Assert.Equal(SimdCapabilities.Floats(SimdCapabilities.Widest!.Value), cpu.WarpSize);
        Assert.Contains(SimdCapabilities.Describe(SimdCapabilities.Widest.Value), cpu.Name, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cpu:256", 8)]
    [InlineData("cpu:128", 4)]
    public void Narrower_cpu_paths_can_be_forced(string name, int floats)
    {
        using var backend = (CpuBackend)BackendFactory.Open(name, new BackendOptions { Threads = 1 });
        Assert.Equal(floats, backend.VectorFloats);
        Assert.Equal(1, backend.Threads);
    }

    [Theory]
    [InlineData("cpu:96")]
    [InlineData("cpu:x")]
    public void Malformed_cpu_width_is_a_device_error(string name)
    {
        var e = Assert.Throws<DeviceException>(() => BackendFactory.Open(name));
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
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
    [InlineData("ilgpu-cpu:abc")]
    [InlineData("ilgpu-cpu:0")]
    [InlineData("ilgpu-cpu:7")]
    [InlineData("ilgpu-cpu:2048")]
    public void Malformed_simulated_group_size_is_a_device_error_naming_the_rule(string name)
    {
        var e = Assert.Throws<DeviceException>(() => BackendFactory.Open(name));
        Assert.Contains("multiple of 4 up to 1024", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ilgpu_cpu_with_a_group_size_simulates_groups_that_large()
    {
        using var backend = (Runtime.Backends.Ilgpu.IlgpuBackend)BackendFactory.Open("ilgpu-cpu:256");
        Assert.Equal(256, backend.Device.MaxThreadsPerGroup);
        Assert.Equal([16, 8], backend.TileSides);
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("cpu")]
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
