using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Docker.DotNet;
using GoForge.Core.Containers;
using GoForge.Infrastructure.Docker;
using GoForge.Infrastructure.Docker.BuildKit;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Docker.BuildKit;

/// <summary>
/// BuildKit builds through the docker CLI on the shared real engine: secrets mounted into RUN steps and found nowhere
/// in the image, cache mounts kept per application, the target stage, cancel, and the failing step's error.
/// Cache scopes are fresh per test, since the engine's cache outlives the run.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class BuildKitImageBuilderTests(DockerFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private static readonly Dictionary<string, string> None = [];
    private readonly DockerClientProvider _provider = new(Options.Create(new DockerOptions { Endpoint = fixture.Endpoint }));
    private readonly List<string> _tags = [];
    private readonly List<AppContextFolder> _folders = [];

    /// <summary>No build limits here: the shared engine's BuildKit cgroup is left as it is (BuildMemoryCapTests has its own engine).</summary>
    public static BuildKitImageBuilder Create(DockerClientProvider provider, BuildKitOptions? settings = null)
    {
        var options = Options.Create(settings ?? new BuildKitOptions { EngineCgroupParent = "" });
        return new BuildKitImageBuilder(provider, new BuildCgroupLimits(options, NullLogger<BuildCgroupLimits>.Instance), options,
            NullLogger<BuildKitImageBuilder>.Instance);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var tag in _tags)
        {
            try
            {
                await fixture.Client.Images.DeleteImageAsync(tag, new() { Force = true });
            }
            catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // Never built, or already gone.
            }
        }

        foreach (var folder in _folders)
        {
            folder.Dispose();
        }

        _provider.Dispose();
    }

    [Fact]
    public async Task A_secret_mount_is_readable_by_its_RUN_step_and_appears_in_no_history_config_or_layer()
    {
        var secret = "s3cr3t-" + Guid.NewGuid().ToString("N");
        var plain = "plain-" + Guid.NewGuid().ToString("N");
        var folder = Folder("""
            FROM scratch
            COPY busybox /bin/busybox
            RUN ["/bin/busybox", "--install", "-s", "/bin"]
            ARG PLAIN
            RUN --mount=type=secret,id=TOKEN sh -c 'sha256sum < /run/secrets/TOKEN | cut -d" " -f1 > /proof; echo "$PLAIN" > /plain'
            """);
        using var timeout = new CancellationTokenSource(Timeout);
        var tag = Tag("secret");

        await Create(_provider).BuildAsync(
            new ImageBuildRequest(folder.Path, "Dockerfile", tag, new Dictionary<string, string> { ["PLAIN"] = plain }, None)
            {
                Secrets = new Dictionary<string, string> { ["TOKEN"] = secret },
            },
            new LineLog(), timeout.Token);

        var export = await ImageExport.ReadAsync(fixture.Client, tag, timeout.Token);
        // The step read the secret: the hash of the value it saw is in the image, the value is not.
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret))), export.File("proof")?.Trim());
        Assert.True(export.LayerCount >= 2, $"{export.LayerCount} layers exported");
        Assert.Empty(export.WhereFound(secret));
        var history = await fixture.Client.Images.GetImageHistoryAsync(tag, timeout.Token);
        Assert.DoesNotContain(history, h => (h.CreatedBy ?? "").Contains(secret, StringComparison.Ordinal));
        var inspect = JsonSerializer.Serialize(await fixture.Client.Images.InspectImageAsync(tag, timeout.Token));
        Assert.DoesNotContain(secret, inspect, StringComparison.Ordinal);
        // The same searches do find a build argument's value: they would have found the secret.
        Assert.NotEmpty(export.WhereFound(plain));
        Assert.Contains(history, h => (h.CreatedBy ?? "").Contains(plain, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cache_mount_persists_between_builds_of_one_app_and_is_not_seen_by_another_app()
    {
        var appA = Guid.NewGuid().ToString("N");
        var appB = Guid.NewGuid().ToString("N");
        using var timeout = new CancellationTokenSource(Timeout);

        var first = await BuildCachingAsync(appA, "a1", timeout.Token);
        var second = await BuildCachingAsync(appA, "a2", timeout.Token);
        var other = await BuildCachingAsync(appB, "b1", timeout.Token);

        Assert.Equal("", first);
        Assert.Equal("a1", second);
        Assert.Equal("", other);
    }

    [Fact]
    public async Task The_target_stage_is_the_one_built()
    {
        var folder = Folder("""
            FROM scratch AS tools
            COPY busybox /bin/busybox
            RUN ["/bin/busybox", "--install", "-s", "/bin"]
            FROM tools AS test
            RUN echo test > /stage
            FROM tools AS release
            RUN echo release > /stage
            """);
        using var timeout = new CancellationTokenSource(Timeout);
        var tag = Tag("target");

        await Create(_provider).BuildAsync(new ImageBuildRequest(folder.Path, "Dockerfile", tag, None, None) { Target = "test" }, new LineLog(), timeout.Token);

        Assert.Equal("test", (await ImageExport.ReadAsync(fixture.Client, tag, timeout.Token)).File("stage")?.Trim());
    }

    [Fact]
    public async Task A_failing_step_fails_the_build_with_that_step_and_its_error()
    {
        var folder = Folder("""
            FROM scratch
            COPY busybox /bin/busybox
            RUN ["/bin/busybox", "sh", "-c", "exit 3"]
            """);
        using var timeout = new CancellationTokenSource(Timeout);

        var e = await Assert.ThrowsAsync<EngineException>(() =>
            Create(_provider).BuildAsync(new ImageBuildRequest(folder.Path, "Dockerfile", Tag("fail"), None, None), new LineLog(), timeout.Token));

        Assert.Contains("[2/2] RUN [\"/bin/busybox\", \"sh\", \"-c\", \"exit 3\"]", e.Message, StringComparison.Ordinal);
        Assert.Contains("exit code: 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_kills_the_build_and_leaves_no_image_with_the_tag()
    {
        var nonce = Guid.NewGuid().ToString("N")[..12];
        var folder = Folder($$"""
            FROM scratch
            COPY busybox /bin/busybox
            RUN ["/bin/busybox", "sh", "-c", "echo sleeping {{nonce}}; /bin/busybox sleep 300; echo woke {{nonce}}"]
            """);
        var tag = Tag("cancel");
        using var cancel = new CancellationTokenSource();
        var sleeping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new LineLog(line =>
        {
            if (line == $"sleeping {nonce}")
            {
                sleeping.TrySetResult();
            }
        });
        var build = Create(_provider).BuildAsync(new ImageBuildRequest(folder.Path, "Dockerfile", tag, None, None), log, cancel.Token);
        await Task.WhenAny(sleeping.Task, build).WaitAsync(Timeout);
        Assert.True(sleeping.Task.IsCompleted, "The sleep step never started:\n" + string.Join('\n', log.Lines));
        Assert.NotEmpty(HostSystem.ProcessesRunning($"woke {nonce}"));

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => build.WaitAsync(TimeSpan.FromSeconds(60)));
        await Wait.UntilAsync(() => Task.FromResult(HostSystem.ProcessesRunning($"woke {nonce}").Count == 0), "the RUN step to be stopped", TimeSpan.FromSeconds(30));
        var e = await Assert.ThrowsAnyAsync<DockerApiException>(() => fixture.Client.Images.InspectImageAsync(tag));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, e.StatusCode);
    }

    /// <summary>Builds for <paramref name="scope"/>: lists the cache (a file per earlier build), then adds <paramref name="mark"/>.</summary>
    private async Task<string> BuildCachingAsync(string scope, string mark, CancellationToken ct)
    {
        var folder = Folder($$"""
            FROM scratch
            COPY busybox /bin/busybox
            RUN ["/bin/busybox", "--install", "-s", "/bin"]
            RUN --mount=type=cache,target=/var/cache/app sh -c 'ls /var/cache/app | tr "\n" " " > /seen; touch /var/cache/app/{{mark}}'
            """);
        var tag = Tag("cache");
        await Create(_provider).BuildAsync(new ImageBuildRequest(folder.Path, "Dockerfile", tag, None, None) { CacheScope = scope }, new LineLog(), ct);
        return (await ImageExport.ReadAsync(fixture.Client, tag, ct)).File("seen")?.Trim() ?? throw new InvalidOperationException("/seen is missing");
    }

    private AppContextFolder Folder(string dockerfile)
    {
        var folder = AppContextFolder.Create(dockerfile);
        _folders.Add(folder);
        return folder;
    }

    private string Tag(string prefix)
    {
        var tag = Unique.Tag("bk-" + prefix);
        _tags.Add(tag);
        return tag;
    }
}
