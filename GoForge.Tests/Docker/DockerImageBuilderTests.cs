using Docker.DotNet;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Infrastructure.Docker;
using GoForge.Tests.Harness;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Docker;

[Collection(DockerCollection.Name)]
public sealed class DockerImageBuilderTests(DockerFixture fixture) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private static readonly Dictionary<string, string> NoArgs = [];
    private readonly DockerClientProvider _provider = new(Options.Create(new DockerOptions { Endpoint = fixture.Endpoint }));

    private DockerImageBuilder Builder => new(_provider, NullLogger<DockerImageBuilder>.Instance);

    [Fact]
    public async Task Build_honours_dockerignore_passes_build_args_and_labels_the_image()
    {
        using var context = AppContextFolder.Create(
            """
            FROM scratch
            ARG GREETING
            COPY busybox /bin/busybox
            COPY . /ctx
            RUN ["/bin/busybox", "test", "!", "-e", "/ctx/secret.txt"]
            RUN ["/bin/busybox", "test", "!", "-e", "/ctx/node_modules"]
            RUN ["/bin/busybox", "test", "!", "-e", "/ctx/.git"]
            RUN ["/bin/busybox", "test", "!", "-e", "/ctx/sub/debug.log"]
            RUN ["/bin/busybox", "test", "-e", "/ctx/sub/keep.log"]
            RUN ["/bin/busybox", "test", "-e", "/ctx/keep.txt"]
            RUN ["/bin/busybox", "sh", "-c", "test \"$GREETING\" = hi-there"]
            """,
            "deploy/Dockerfile");
        context.Write(".dockerignore", "# test context\n\nsecret.txt\nnode_modules/\n**/*.log\n!sub/keep.log\n");
        context.Write("secret.txt", "s3cret");
        context.Write("keep.txt", "kept");
        context.Write("node_modules/left-pad/index.js", "module.exports = 1;");
        context.Write(".git/config", "[core]");
        context.Write("sub/debug.log", "noise");
        context.Write("sub/keep.log", "kept");
        var tag = Unique.Tag("build");
        var log = new LineLog();
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            var built = await Builder.BuildAsync(
                new ImageBuildRequest(
                    context.Path,
                    "deploy/Dockerfile",
                    tag,
                    new Dictionary<string, string> { ["GREETING"] = "hi-there" },
                    new Dictionary<string, string> { ["goforge.app"] = "app-1", ["goforge.deployment"] = "42" }),
                log,
                timeout.Token);

            Assert.Equal(tag, built.Tag);
            Assert.StartsWith("sha256:", built.ImageId, StringComparison.Ordinal);
            var image = await fixture.Client.Images.InspectImageAsync(tag, timeout.Token);
            Assert.Equal(built.ImageId, image.ID);
            Assert.Equal("app-1", image.Config!.Labels!["goforge.app"]);
            Assert.Equal("42", image.Config!.Labels!["goforge.deployment"]);
            Assert.Contains(log.Lines, l => l.StartsWith("Step 1/", StringComparison.Ordinal));
            Assert.DoesNotContain(log.Lines, l => l.Contains('\n', StringComparison.Ordinal));
        }
        finally
        {
            await RemoveImageQuietlyAsync(tag);
        }
    }

    [Fact]
    public async Task Failing_run_step_throws_ImageBuildException_with_the_engine_error()
    {
        using var context = AppContextFolder.Create("""
            FROM scratch
            COPY busybox /bin/busybox
            RUN ["/bin/busybox", "false"]
            """);
        var tag = Unique.Tag("broken");
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            var e = await Assert.ThrowsAsync<EngineException>(() =>
                Builder.BuildAsync(new ImageBuildRequest(context.Path, "Dockerfile", tag, NoArgs, NoArgs), new LineLog(), timeout.Token));

            Assert.Contains("returned a non-zero code: 1", e.EngineError, StringComparison.Ordinal);
            await AssertNoImageAsync(tag);
        }
        finally
        {
            await RemoveImageQuietlyAsync(tag);
        }
    }

    [Fact]
    public async Task Copy_of_a_missing_file_throws_ImageBuildException_naming_it()
    {
        using var context = AppContextFolder.Create("""
            FROM scratch
            COPY does-not-exist.txt /x
            """);
        var tag = Unique.Tag("missing");
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            var e = await Assert.ThrowsAsync<EngineException>(() =>
                Builder.BuildAsync(new ImageBuildRequest(context.Path, "Dockerfile", tag, NoArgs, NoArgs), new LineLog(), timeout.Token));

            Assert.Contains("does-not-exist.txt", e.EngineError, StringComparison.Ordinal);
        }
        finally
        {
            await RemoveImageQuietlyAsync(tag);
        }
    }

    [Fact]
    public async Task Cancel_during_build_throws_promptly_and_leaves_no_image()
    {
        using var context = AppContextFolder.Create("""
            FROM scratch
            COPY busybox /bin/busybox
            RUN ["/bin/busybox", "sleep", "300"]
            """);
        var tag = Unique.Tag("cancel");
        using var cancel = new CancellationTokenSource();
        var sleeping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new LineLog(line =>
        {
            if (line.Contains("Running in", StringComparison.Ordinal))
            {
                sleeping.TrySetResult();
            }
        });
        try
        {
            var build = Builder.BuildAsync(new ImageBuildRequest(context.Path, "Dockerfile", tag, NoArgs, NoArgs), log, cancel.Token);
            await Task.WhenAny(sleeping.Task, build).WaitAsync(Timeout);
            Assert.True(sleeping.Task.IsCompleted, "The sleep step never started:\n" + string.Join('\n', log.Lines));

            await cancel.CancelAsync();

            // Far shorter than the 300 s step: the build was abandoned, not waited out.
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => build.WaitAsync(TimeSpan.FromSeconds(60)));
            await AssertNoImageAsync(tag);
        }
        finally
        {
            await RemoveImageQuietlyAsync(tag);
        }
    }

    [Fact]
    public async Task Missing_dockerfile_throws_ImageBuildException()
    {
        using var context = AppContextFolder.Create(AppContextFolder.AppDockerfile);

        var e = await Assert.ThrowsAsync<EngineException>(() =>
            Builder.BuildAsync(new ImageBuildRequest(context.Path, "nope/Dockerfile", Unique.Tag("nofile"), NoArgs, NoArgs), new LineLog()));

        Assert.Contains("nope/Dockerfile", e.EngineError, StringComparison.Ordinal);
    }

    public void Dispose() => _provider.Dispose();

    private async Task AssertNoImageAsync(string tag)
    {
        var e = await Assert.ThrowsAnyAsync<DockerApiException>(() => fixture.Client.Images.InspectImageAsync(tag));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, e.StatusCode);
    }

    private async Task RemoveImageQuietlyAsync(string tag)
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
}
