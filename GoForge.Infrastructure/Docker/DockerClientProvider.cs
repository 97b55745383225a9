using Docker.DotNet;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Docker;

/// <summary>One cached Docker client for the configured endpoint, shared by every adapter.</summary>
public sealed class DockerClientProvider(IOptions<DockerOptions> options) : IDisposable
{
    private readonly Lazy<DockerClient> _client = new(() => new DockerClientBuilder()
        .WithEndpoint(options.Value.Endpoint)
        .Build());

    public DockerClient Client => _client.Value;

    public Uri Endpoint => options.Value.Endpoint;

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }
}
