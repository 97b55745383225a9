using System.CommandLine;
using System.Net.Http.Headers;

namespace GoForge.Web.Cli.Remote;

/// <summary>A remote GoForge and its API token, from <c>--server</c>/<c>--token</c> or GOFORGE_URL/GOFORGE_TOKEN.</summary>
internal sealed record RemoteTarget(Uri Server, string Token)
{
    public const string UrlVariable = "GOFORGE_URL";
    public const string TokenVariable = "GOFORGE_TOKEN";

    public static Option<string> ServerOption() =>
        new("--server") { Description = $"Talk to this GoForge through its API instead of the local database (or set {UrlVariable})." };

    public static Option<string> TokenOption() =>
        new("--token") { Description = $"The API token for --server, gf_... (or set {TokenVariable}); prefer the variable: options show in the process list." };

    /// <summary>Null with no problem when neither a server nor a variable names one: the verb runs locally.</summary>
    public static RemoteTarget? From(string? server, string? token, CliConsole console, out string? problem)
    {
        problem = null;
        server = string.IsNullOrWhiteSpace(server) ? console.Environment(UrlVariable) : server;
        token = string.IsNullOrWhiteSpace(token) ? console.Environment(TokenVariable) : token;
        if (string.IsNullOrWhiteSpace(server))
        {
            return null;
        }

        if (!Uri.TryCreate(server.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(uri.UserInfo))
        {
            problem = "--server must be an http:// or https:// address without user name or password.";
            return null;
        }

        if (string.IsNullOrWhiteSpace(token))
        {
            problem = $"--server needs a token: --token or {TokenVariable}.";
            return null;
        }

        token = token.Trim();
        if (token.Length > 512 || token.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            problem = "The token is not one: it has spaces or control characters.";
            return null;
        }

        if (uri.Scheme == "http" && !uri.IsLoopback)
        {
            console.Error.WriteLine("warning: the token goes over plain http; use https for anything but this machine.");
        }

        // Relative endpoint paths resolve under the server's own path prefix, if any.
        var withSlash = uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
        return new RemoteTarget(withSlash, token);
    }

    public ServiceProvider CreateClientServices(CliConsole console)
    {
        var services = new ServiceCollection();
        var client = services.AddHttpClient<GoForgeApiClient>(http =>
        {
            http.BaseAddress = Server;
            http.Timeout = TimeSpan.FromSeconds(60);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("GoForge-CLI", "1"));
        });
        if (console.RemoteHandler is { } handler)
        {
            client.ConfigurePrimaryHttpMessageHandler(() => handler).SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        }

        return services.BuildServiceProvider();
    }
}
