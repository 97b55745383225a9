using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GoForge.Tests.Support;

/// <summary>One POST a <see cref="NotificationReceiver"/> took: path, headers, the raw body, and when.</summary>
public sealed record ReceivedPost(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset At)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);
}

/// <summary>
/// A real HTTP server on 127.0.0.1 that stands in for a webhook receiver, Slack or Discord: it records each POST and
/// answers with the next status of a path's script (then 200, or 204 under <c>/discord/</c> as Discord does).
/// </summary>
public sealed class NotificationReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedPost> _posts = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _scripts = new(StringComparer.Ordinal);

    private NotificationReceiver(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyList<ReceivedPost> PostsTo(string path) => _posts.Where(p => p.Path == path).ToList();

    /// <summary>The next answers to POSTs on <paramref name="path"/>, in order.</summary>
    public void Script(string path, params int[] statuses)
    {
        var script = _scripts.GetOrAdd(path, _ => new ConcurrentQueue<int>());
        foreach (var status in statuses)
        {
            script.Enqueue(status);
        }
    }

    public Uri UrlOf(string path) => new(BaseUrl, path.TrimStart('/'));

    public static async Task<NotificationReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new NotificationReceiver(app);
        app.MapPost("/{**path}", receiver.ReceiveAsync);
        await app.StartAsync();
        receiver.BaseUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return receiver;
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var path = context.Request.Path.Value ?? "/";
        _posts.Enqueue(new ReceivedPost(
            path,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            buffer.ToArray(),
            DateTimeOffset.UtcNow));
        var status = _scripts.TryGetValue(path, out var script) && script.TryDequeue(out var next)
            ? next
            : path.StartsWith("/discord/", StringComparison.Ordinal) ? StatusCodes.Status204NoContent : StatusCodes.Status200OK;
        context.Response.StatusCode = status;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
