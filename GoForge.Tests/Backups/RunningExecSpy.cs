using Docker.DotNet;

namespace GoForge.Tests.Backups;

/// <summary>
/// An archive destination that, each time it is written to, asks the engine which execs run in the container and
/// records their program and arguments as the engine holds them (what <c>ps</c> and <c>docker inspect</c> show).
/// The engine lists an exec only while it runs, so a backup written here is inspected while its dump tool works.
/// </summary>
internal sealed class RunningExecSpy(IDockerClient docker, string containerId) : CountingStream
{
    private readonly List<List<string>> _argumentLists = [];

    public IReadOnlyList<IReadOnlyList<string>> ArgumentLists => _argumentLists;

    protected override async Task OnWriteAsync(CancellationToken ct)
    {
        var container = await docker.Containers.InspectContainerAsync(containerId, ct);
        foreach (var id in container.ExecIDs ?? [])
        {
            var exec = await docker.Exec.InspectContainerExecAsync(id, ct);
            if (exec.ProcessConfig is { } process)
            {
                _argumentLists.Add([process.Entrypoint, .. process.Arguments ?? []]);
            }
        }
    }
}
