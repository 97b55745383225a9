using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Backups;
using GoForge.Core.Backups.Engines;
using GoForge.Core.Catalog;
using GoForge.Infrastructure.Catalog;
using GoForge.Infrastructure.Docker;
using GoForge.Tests.Catalog;
using GoForge.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Backups;

/// <summary>
/// A catalog database running for real: a container of the local test image (<see cref="LocalImages"/>) created from
/// the shipped template rendered by <see cref="ServiceRenderer"/> (its environment and command), or, for values the
/// renderer refuses on purpose (shell metacharacters), from the template's environment filled in directly. Removed
/// with its volumes on dispose. <see cref="Engine"/> is the registered engine for the template, over Docker's exec.
/// </summary>
internal sealed class CatalogDatabase : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(2);
    private readonly DockerFixture _docker;
    private readonly ServiceProvider _services;

    private CatalogDatabase(DockerFixture docker, ServiceProvider services, string containerId, string templateId, IReadOnlyDictionary<string, string> inputs)
    {
        _docker = docker;
        _services = services;
        Target = new BackupTarget(containerId, templateId, inputs);
        Engine = services.GetServices<IServiceBackupEngine>().Single(e => e.Supports(templateId));
        Exec = services.GetRequiredService<IContainerExec>();
    }

    public BackupTarget Target { get; }

    public IServiceBackupEngine Engine { get; }

    public IContainerExec Exec { get; }

    public string ContainerId => Target.ContainerId;

    /// <summary>The same service seen with other inputs (a wrong password).</summary>
    public BackupTarget With(string input, string value) =>
        Target with { Inputs = new Dictionary<string, string>(Target.Inputs, StringComparer.Ordinal) { [input] = value } };

    /// <param name="inputs">Values over the template's fresh ones; with <paramref name="render"/> false they skip the renderer's checks.</param>
    public static async Task<CatalogDatabase> StartAsync(
        DockerFixture docker,
        string templateId,
        Func<DockerClient, CancellationToken, Task<string>> image,
        CancellationToken ct,
        IReadOnlyDictionary<string, string>? inputs = null,
        bool render = true)
    {
        ArgumentNullException.ThrowIfNull(docker);
        var file = templateId + ".yaml";
        var template = ServiceTemplateLoader.ReadFile(file, CatalogSamples.BuiltInContent(file), TemplateOrigin.BuiltIn).Value!;
        var values = new Dictionary<string, string>(ServiceRenderer.NewInputs(template), StringComparer.Ordinal);
        foreach (var (name, value) in inputs ?? new Dictionary<string, string>())
        {
            values[name] = value;
        }

        IReadOnlyList<string> environment;
        IReadOnlyList<string> command;
        if (render)
        {
            var rendered = ServiceRenderer.Render(template, template.DefaultVersion, values, "svc-backup-test", null);
            Assert.True(rendered.IsSuccess, rendered.IsSuccess ? null : rendered.Error.Message);
            environment = [.. rendered.Value.Environment.Select(v => $"{v.Key}={v.Value}")];
            command = rendered.Value.Command;
        }
        else
        {
            environment = [.. template.Environment.Select(v => $"{v.Key}={Fill(v.Value, values)}")];
            command = [.. template.Command.Select(part => Fill(part, values))];
        }

        var tag = await image(docker.Client, ct);
        var created = await docker.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = tag,
            Name = $"goforge-backup-{templateId}-{Guid.NewGuid():N}"[..40],
            Env = [.. environment],
            Cmd = command.Count > 0 ? [.. command] : null!,
            Labels = new Dictionary<string, string> { ["goforge-test"] = "backups" },
        }, ct);
        var services = Services(docker);
        var database = new CatalogDatabase(docker, services, created.ID, templateId, values);
        try
        {
            await docker.Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), ct);
            await database.WaitReadyAsync(ct);
            return database;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a client command inside the container with the engine's own exec; fails the test on a non-zero exit.</summary>
    public async Task<string> RunAsync(IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment, CancellationToken ct, string? input = null)
    {
        using var output = new MemoryStream();
        using var stdin = input is null ? null : new MemoryStream(System.Text.Encoding.UTF8.GetBytes(input));
        var result = await Exec.RunAsync(new ContainerExecRequest(ContainerId, command, environment, StandardInput: stdin, StandardOutput: output), ct);
        var text = System.Text.Encoding.UTF8.GetString(output.ToArray());
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', command)} exited with {result.ExitCode}: {result.StandardError}\n{text}");
        return text;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _docker.Client.Containers.RemoveContainerAsync(ContainerId, new ContainerRemoveParameters { Force = true, RemoveVolumes = true });
        }
        catch (DockerContainerNotFoundException)
        {
        }

        await _services.DisposeAsync();
    }

    private static ServiceProvider Services(DockerFixture docker)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(Options.Create(new DockerOptions { Endpoint = docker.Endpoint }));
        services.AddSingleton<DockerClientProvider>();
        services.AddSingleton<IContainerExec, DockerContainerExec>();
        services.AddServiceBackupEngines();
        return services.BuildServiceProvider();
    }

    private static string Fill(string text, IReadOnlyDictionary<string, string> values) =>
        values.Aggregate(text, (current, pair) => current.Replace("{{" + pair.Key + "}}", pair.Value, StringComparison.Ordinal));

    /// <summary>Until the server answers over TCP on 127.0.0.1, as the engines connect (never the first-start server, which has no TCP).</summary>
    private async Task WaitReadyAsync(CancellationToken ct)
    {
        IReadOnlyList<string> probe = Target.TemplateId switch
        {
            "postgresql" => ["pg_isready", "-h", "127.0.0.1", "-q"],
            "mariadb" => ["healthcheck.sh", "--connect", "--innodb_initialized"],
            "redis" => ["redis-cli", "-e", "ping"],
            _ => throw new InvalidOperationException($"No readiness probe for {Target.TemplateId}."),
        };
        var environment = new Dictionary<string, string> { ["REDISCLI_AUTH"] = Target.Inputs.GetValueOrDefault("password", string.Empty) };
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(ReadyTimeout);
        string last = "no probe yet";
        try
        {
            while (true)
            {
                var result = await Exec.RunAsync(new ContainerExecRequest(ContainerId, probe, environment), bounded.Token);
                if (result.ExitCode == 0)
                {
                    return;
                }

                last = $"exit {result.ExitCode}: {result.StandardError}{result.CapturedOutput}";
                await Task.Delay(250, bounded.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{Target.TemplateId} in {ContainerId[..12]} was not ready within {ReadyTimeout}: {last}");
        }
    }
}
