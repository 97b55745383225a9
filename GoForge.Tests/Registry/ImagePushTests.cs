using Docker.DotNet.Models;
using GoForge.Core.Containers;
using GoForge.Core.Projects;
using GoForge.Infrastructure.Docker;
using GoForge.Tests.Harness;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Registry;

/// <summary>
/// Pushing what GoForge built to a registry every node can pull from (issue 24, docs/decisions/swarm.md), against a
/// real registry v2 behind htpasswd on the shared engine: the digest returned is the registry's, and the image comes
/// back by that digest after the local copies are gone; a wrong password is refused in words that never show it.
/// </summary>
public sealed class ImagePushTests(DockerFixture docker) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private const string User = "pusher";
    private const string Password = "push-pass-4e81a0";
    private readonly List<string> _images = [];
    private RegistryServer _registry = null!;
    private DockerClientProvider _provider = null!;
    private DockerRegistryImages _registryImages = null!;

    public async Task InitializeAsync()
    {
        _registry = await RegistryServer.StartAsync((User, Password));
        _provider = new DockerClientProvider(Options.Create(new DockerOptions { Endpoint = docker.Endpoint }));
        _registryImages = new DockerRegistryImages(_provider, NullLogger<DockerRegistryImages>.Instance);
    }

    public async Task DisposeAsync()
    {
        foreach (var image in _images)
        {
            try
            {
                await docker.Client.Images.DeleteImageAsync(image, new ImageDeleteParameters { Force = true });
            }
            catch (global::Docker.DotNet.DockerApiException)
            {
                // Gone already.
            }
        }

        _registryImages.Dispose();
        _provider.Dispose();
        await _registry.DisposeAsync();
    }

    private RegistryAuth Auth(string password = Password) => new(_registry.Host, User, password);

    [Fact]
    public async Task A_built_image_is_pushed_and_comes_back_by_the_registrys_digest_after_every_local_copy_is_gone()
    {
        var local = await RegistryServer.BuildVariantAsync(docker.Client, "pushed-" + Guid.NewGuid().ToString("N")[..8]);
        var target = ImageReference.Parse($"{_registry.Host}/goforge/web:{Guid.NewGuid():N}");
        _images.AddRange([local, target.ToString()]);
        var steps = new List<ImagePullProgress>();

        var digest = await _registryImages.PushAsync(local, target, Auth(), new SynchronousProgress(steps));

        Assert.Matches("^sha256:[0-9a-f]{64}$", digest);
        Assert.Equal(digest, await _registryImages.RemoteDigestAsync(target, Auth()));
        Assert.NotEmpty(steps);
        // Every local copy goes; the digest alone brings the same image back.
        await docker.Client.Images.DeleteImageAsync(target.ToString(), new ImageDeleteParameters { Force = true });
        await docker.Client.Images.DeleteImageAsync(local, new ImageDeleteParameters { Force = true });
        var byDigest = ImageReference.Parse($"{target.Name}@{digest}");
        var pulled = await _registryImages.PullAsync(byDigest, Auth(), null);
        _images.Add(byDigest.Pulled);
        Assert.Equal(digest, pulled.Digest);
    }

    [Fact]
    public async Task A_push_with_a_wrong_password_is_refused_naming_the_registry_and_user_and_never_the_password()
    {
        var local = await RegistryServer.BuildVariantAsync(docker.Client, "refused");
        var target = ImageReference.Parse($"{_registry.Host}/goforge/web:refused");
        _images.AddRange([local, target.ToString()]);

        var refused = await Assert.ThrowsAsync<EngineException>(() => _registryImages.PushAsync(local, target, Auth("wrong-password-91"), null));

        Assert.Contains($"refused the credentials for {_registry.Host} (user {User})", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password-91", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_push_target_without_a_registry_or_with_a_digest_is_refused_before_the_engine_is_asked()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _registryImages.PushAsync("local:tag", ImageReference.Parse("goforge/web:v1"), null, null));
        await Assert.ThrowsAsync<ArgumentException>(() => _registryImages.PushAsync("local:tag",
            ImageReference.Parse($"{_registry.Host}/goforge/web@sha256:{new string('a', 64)}"), null, null));
    }

    private sealed class SynchronousProgress(List<ImagePullProgress> steps) : IProgress<ImagePullProgress>
    {
        public void Report(ImagePullProgress value) => steps.Add(value);
    }
}
