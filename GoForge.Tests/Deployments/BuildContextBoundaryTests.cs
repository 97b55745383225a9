using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Deployments;

/// <summary>
/// Hostile repositories deployed for real (a Git repository with symbolic links, cloned, built and run on the real
/// engine): a build context, Dockerfile or <c>.dockerignore</c> that leads out of the clone fails the deployment before
/// the build, and no host file reaches the deployment log; an image whose labels a proxy or GoForge would read is not run.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BuildContextBoundaryTests(PostgresFixture postgres, DockerFixture docker) : IClassFixture<DockerFixture>
{
    private static readonly TimeSpan Settled = TimeSpan.FromSeconds(120);

    /// <summary>Lines of the host's /etc/passwd (as the engine echoes them, upper-cased too): none may appear in a deployment log.</summary>
    private static readonly string[] HostContent = ["root:x:0:0", "ROOT:X:0:0", "daemon:x:1:1", "DAEMON:X:1:1"];

    [Fact]
    public async Task A_context_linked_to_etc_fails_before_the_build_and_no_host_file_reaches_the_log()
    {
        await using var scenario = await StartAsync("ctx_etc");
        scenario.Repository.Link("ctx", "/etc");
        scenario.Repository.Commit("link out", SampleDockerfiles.ServesIndex(scenario.Nonce));

        var (deployment, log) = await DeployAsync(scenario, input =>
        {
            input.BuildContext = "ctx";
            input.DockerfilePath = "ctx/passwd";
        });

        Assert.Equal(DeploymentState.Failed, deployment.State);
        Assert.Contains("The build context 'ctx' leaves the repository", deployment.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(log, line => line.StartsWith("Step ", StringComparison.Ordinal));
        AssertNoHostContent(log);
    }

    [Fact]
    public async Task A_context_linked_to_the_host_root_fails_before_anything_is_archived()
    {
        await using var scenario = await StartAsync("ctx_root");
        scenario.Repository.Link("ctx", "/");
        scenario.Repository.Commit("link to /", SampleDockerfiles.ServesIndex(scenario.Nonce));

        var (deployment, log) = await DeployAsync(scenario, input =>
        {
            input.BuildContext = "ctx";
            input.DockerfilePath = "ctx/Dockerfile";
        });

        Assert.Equal(DeploymentState.Failed, deployment.State);
        Assert.Contains("The build context 'ctx' leaves the repository", deployment.Reason, StringComparison.Ordinal);
        AssertNoHostContent(log);
    }

    [Fact]
    public async Task A_dockerignore_linked_to_dev_zero_fails_at_once_instead_of_being_read_without_end()
    {
        await using var scenario = await StartAsync("ignore_zero");
        scenario.Repository.Link(".dockerignore", "/dev/zero");
        scenario.Repository.Commit("ignore zero", SampleDockerfiles.ServesIndex(scenario.Nonce), new Dictionary<string, string> { ["index.html"] = "x\n" });

        var (deployment, _) = await DeployAsync(scenario);

        Assert.Equal(DeploymentState.Failed, deployment.State);
        Assert.Contains("The file '.dockerignore' leaves the repository", deployment.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_link_in_the_context_to_a_host_file_reaches_the_build_as_a_link_never_as_the_file()
    {
        await using var scenario = await StartAsync("ctx_link");
        scenario.Repository.Link("leak", "/etc/passwd");
        var dockerfile = SampleDockerfiles.ServesIndex(scenario.Nonce).Replace(
            "COPY index.html /www/index.html",
            """
            COPY . /ctx
            RUN ["/bin/sh", "-c", "cat /ctx/leak; readlink /ctx/leak; echo leak checked {{nonce}}"]
            COPY index.html /www/index.html
            """.Replace("{{nonce}}", scenario.Nonce, StringComparison.Ordinal),
            StringComparison.Ordinal);
        scenario.Repository.Commit("link inside", dockerfile, new Dictionary<string, string> { ["index.html"] = "x\n" });

        var (deployment, log) = await DeployAsync(scenario);

        Assert.True(deployment.State == DeploymentState.Running, $"{deployment.State}: {deployment.Reason}");
        Assert.Contains($"leak checked {scenario.Nonce}", log);
        // readlink's answer (after the engine's colour reset for the cat error before it): the link arrived as a link.
        Assert.Contains(log, line => line.EndsWith("/etc/passwd", StringComparison.Ordinal));
        AssertNoHostContent(log);
    }

    [Fact]
    public async Task A_context_over_the_size_cap_fails_naming_the_setting()
    {
        await using var scenario = await StartAsync("ctx_cap", new Dictionary<string, string?> { ["GoForge:BuildContext:MaxContextBytes"] = "65536" });
        scenario.Repository.Commit("busybox is larger", SampleDockerfiles.ServesIndex(scenario.Nonce), new Dictionary<string, string> { ["index.html"] = "x\n" });

        var (deployment, _) = await DeployAsync(scenario);

        Assert.Equal(DeploymentState.Failed, deployment.State);
        Assert.Contains("The build context is larger than 64 KiB (GoForge:BuildContext:MaxContextBytes)", deployment.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_labelled_with_a_traefik_route_fails_naming_the_label_and_leaves_no_container()
    {
        await using var scenario = await StartAsync("label_traefik");
        var dockerfile = SampleDockerfiles.ServesIndex(scenario.Nonce) + "\nLABEL traefik.http.routers.pwn.rule=\"Host(`victim.example`)\"\n";
        scenario.Repository.Commit("route label", dockerfile, new Dictionary<string, string> { ["index.html"] = "x\n" });

        var (deployment, log) = await DeployAsync(scenario);

        Assert.Equal(DeploymentState.Failed, deployment.State);
        Assert.Contains("The image carries the label 'traefik.http.routers.pwn.rule'", deployment.Reason, StringComparison.Ordinal);
        Assert.Contains(log, line => line.Contains("'traefik.http.routers.pwn.rule'", StringComparison.Ordinal));
        Assert.Empty(await scenario.App.Get<IContainerRuntime>().ListContainersAsync(
            new Dictionary<string, string> { [GoForgeLabels.Deployment] = deployment.Id.ToString() }));
    }

    [Fact]
    public async Task An_image_with_a_harmless_label_still_deploys()
    {
        await using var scenario = await StartAsync("label_plain");
        var dockerfile = SampleDockerfiles.ServesIndex(scenario.Nonce) + "\nLABEL org.opencontainers.image.title=\"shop\"\n";
        scenario.Repository.Commit("plain label", dockerfile, new Dictionary<string, string> { ["index.html"] = "x\n" });

        var (deployment, _) = await DeployAsync(scenario);

        Assert.True(deployment.State == DeploymentState.Running, $"{deployment.State}: {deployment.Reason}");
    }

    private Task<DeployScenario> StartAsync(string prefix, IReadOnlyDictionary<string, string?>? settings = null) =>
        DeployScenario.StartAsync(postgres, docker, "bctx_" + prefix, settings: settings);

    private static async Task<(Deployment Deployment, IReadOnlyList<string> Log)> DeployAsync(DeployScenario scenario, Action<ApplicationInput>? configure = null)
    {
        var application = await scenario.CreateApplicationAsync(scenario.Actor, "boundary", configure);
        var queued = await scenario.App.Get<DeploymentService>().EnqueueAsync(scenario.Actor, application.Id);
        Assert.True(queued.IsSuccess, queued.Error?.Message);
        var deployment = await scenario.UntilSettledAsync(queued.Value!.Id, Settled);
        var lines = await scenario.App.Get<IDeploymentRepository>().ListLogAsync(deployment.Id, 0, 10_000);
        return (deployment, lines.Select(l => l.Text).ToList());
    }

    private static void AssertNoHostContent(IReadOnlyList<string> log)
    {
        foreach (var line in log)
        {
            Assert.DoesNotContain(HostContent, content => line.Contains(content, StringComparison.Ordinal));
        }
    }
}
