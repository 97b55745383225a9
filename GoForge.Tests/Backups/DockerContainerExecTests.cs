using System.Security.Cryptography;
using Docker.DotNet.Models;
using GoForge.Core.Backups;
using GoForge.Infrastructure.Docker;
using GoForge.Tests.Harness;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Backups;

/// <summary>
/// Docker's exec as the backup engines use it, on the real engine in one busybox container for the class: standard
/// input copied in and closed, output streamed back byte for byte, the exit code and the error output's tail, and a
/// cancelled run ending the wait.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class DockerContainerExecTests(DockerFixture docker) : IAsyncLifetime
{
    private string _containerId = string.Empty;
    private DockerClientProvider? _provider;

    private DockerContainerExec Exec => new(_provider!, NullLogger<DockerContainerExec>.Instance);

    public async Task InitializeAsync()
    {
        await BusyboxImage.EnsureAsync(docker.Client);
        var created = await docker.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = BusyboxImage.Tag,
            Labels = new Dictionary<string, string> { ["goforge-test"] = "exec" },
        });
        _containerId = created.ID;
        await docker.Client.Containers.StartContainerAsync(_containerId, new ContainerStartParameters());
        _provider = new DockerClientProvider(Options.Create(new DockerOptions { Endpoint = docker.Endpoint }));
    }

    public async Task DisposeAsync()
    {
        _provider?.Dispose();
        await docker.Client.Containers.RemoveContainerAsync(_containerId, new ContainerRemoveParameters { Force = true, RemoveVolumes = true });
    }

    [Fact]
    public async Task Standard_input_is_copied_in_and_closed_and_the_output_streams_back_unchanged()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var data = RandomNumberGenerator.GetBytes(12 * 1024 * 1024 + 17);
        using var input = new MemoryStream(data);
        using var output = new MemoryStream();

        // cat ends only when its input is closed.
        var result = await Exec.RunAsync(new ContainerExecRequest(_containerId, ["cat"], new Dictionary<string, string>(), StandardInput: input, StandardOutput: output), timeout.Token);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(output.ToArray()));
        Assert.Equal(string.Empty, result.CapturedOutput);
    }

    [Fact]
    public async Task The_exit_code_the_environment_and_the_tail_of_the_error_output_come_back()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        // A program of the test's own (sh -c), so the environment reaches it without being an argument.
        var result = await Exec.RunAsync(new ContainerExecRequest(
            _containerId,
            ["sh", "-c", "echo \"value=$GOFORGE_TEST_VALUE\"; i=0; while [ $i -lt 2000 ]; do echo \"error line $i\" >&2; i=$((i+1)); done; exit 3"],
            new Dictionary<string, string> { ["GOFORGE_TEST_VALUE"] = "from the environment" }), timeout.Token);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("value=from the environment", result.CapturedOutput.Trim());
        Assert.EndsWith("error line 1999", result.StandardError.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("error line 0\n", result.StandardError, StringComparison.Ordinal);
        Assert.True(result.StandardError.Length <= 8 * 1024, $"{result.StandardError.Length} characters of error output kept");
    }

    [Fact]
    public async Task Cancelling_a_running_exec_ends_the_wait()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        var run = Exec.RunAsync(new ContainerExecRequest(_containerId, ["sleep", "600"], new Dictionary<string, string>()), cancel.Token);
        await Task.Delay(500, timeout.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.False(timeout.IsCancellationRequested);
    }
}
