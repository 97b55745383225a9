using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using GoForge.Core.Deployments;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GoForge.Tests.Git;

/// <summary>
/// A smart-HTTP Git server as GitHub-style hosts are: `git http-backend` (CGI, one process per request) behind
/// Kestrel on free 127.0.0.1 ports, serving the bare repositories of a <see cref="GitRepositoryFixture"/> to
/// requests with HTTP basic authentication (user <see cref="User"/>, password <see cref="Token"/>); anything else
/// gets 401 with a WWW-Authenticate challenge. It listens over https (a self-signed certificate for 127.0.0.1 and
/// localhost, in <see cref="CertificatePath"/> for the client to trust: GoForge sends a token over https only) and
/// over plain http (<see cref="HttpUrlOf"/>), and records every request it sees (<see cref="Requests"/>).
/// </summary>
public sealed class SmartHttpFixture : IAsyncLifetime
{
    private static readonly TimeSpan BackendTimeout = TimeSpan.FromSeconds(60);

    private readonly ConcurrentQueue<string> _log = new();
    private readonly ConcurrentQueue<SeenRequest> _requests = new();
    private readonly string _certificateFolder = Directory.CreateTempSubdirectory("goforge-smarthttp-cert-").FullName;
    private WebApplication? _app;

    public GitRepositoryFixture Repositories { get; } = new();

    public string User { get; } = "deployer";

    public string Token { get; } = "tok-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>The https:// listener.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The plain http:// listener.</summary>
    public Uri HttpBaseAddress { get; private set; } = null!;

    /// <summary>The PEM of the https listener's self-signed certificate.</summary>
    public string CertificatePath => Path.Combine(_certificateFolder, "smart-http.pem");

    /// <summary>Every request the server saw, answered or not.</summary>
    public IReadOnlyCollection<SeenRequest> Requests => _requests;

    /// <summary>One line per request ("GET /origin.git/info/refs?service=git-upload-pack → 200") and http-backend's stderr.</summary>
    public IReadOnlyCollection<string> Log => _log;

    public GitCredentials.UsernamePassword Credentials => new(User, Token);

    /// <summary>The https:// URL of a bare repository of <see cref="Repositories"/>.</summary>
    public string UrlOf(string bareRepository) => new Uri(BaseAddress, Path.GetFileName(bareRepository)).ToString();

    /// <summary>The plain http:// URL of a bare repository.</summary>
    public string HttpUrlOf(string bareRepository) => new Uri(HttpBaseAddress, Path.GetFileName(bareRepository)).ToString();

    public async Task InitializeAsync()
    {
        var certificate = CreateCertificate();
        await File.WriteAllTextAsync(CertificatePath, certificate.ExportCertificatePem());
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.UseKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate));
            o.Listen(IPAddress.Loopback, 0);
        });
        _app = builder.Build();
        _app.Run(ServeAsync);
        await _app.StartAsync();
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First(a => a.StartsWith("https://", StringComparison.Ordinal)).TrimEnd('/') + "/");
        HttpBaseAddress = new Uri(addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal)).TrimEnd('/') + "/");
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=goforge-smart-http-test", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        Repositories.Dispose();
        Directory.Delete(_certificateFolder, recursive: true);
    }

    private async Task ServeAsync(HttpContext context)
    {
        var request = context.Request;
        _requests.Enqueue(new SeenRequest(request.Scheme, request.Host.Host, request.Method, request.Path + request.QueryString, request.Headers.Authorization.Count > 0));
        if (!IsAuthorized(request))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"goforge-test\"";
            _log.Enqueue($"{request.Method} {request.Path}{request.QueryString} → 401");
            return;
        }

        using var backend = Process.Start(BackendStartInfo(context)) ?? throw new InvalidOperationException("git http-backend did not start.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(BackendTimeout);
        try
        {
            var errors = backend.StandardError.ReadToEndAsync(timeout.Token);
            var feed = FeedAsync(request.Body, backend.StandardInput.BaseStream, timeout.Token);
            var output = new BufferedStream(backend.StandardOutput.BaseStream);
            var status = await CopyHeadersAsync(output, context.Response, timeout.Token);
            await output.CopyToAsync(context.Response.Body, timeout.Token);
            await feed;
            await backend.WaitForExitAsync(timeout.Token);
            _log.Enqueue($"{request.Method} {request.Path}{request.QueryString} → {status}");
            foreach (var line in (await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                _log.Enqueue("http-backend: " + line);
            }
        }
        catch (OperationCanceledException)
        {
            backend.Kill(entireProcessTree: true);
            _log.Enqueue($"{request.Method} {request.Path}{request.QueryString} → aborted");
        }
    }

    private bool IsAuthorized(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        byte[] decoded;
        try
        {
            decoded = Convert.FromBase64String(header[6..].Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(decoded, Encoding.UTF8.GetBytes($"{User}:{Token}"));
    }

    /// <summary>The CGI/1.1 environment http-backend reads (git-http-backend(1)).</summary>
    private ProcessStartInfo BackendStartInfo(HttpContext context)
    {
        var request = context.Request;
        var start = GitCli.StartInfo(Repositories.Root, ["http-backend"]);
        start.RedirectStandardInput = true;
        var env = start.Environment;
        env["GIT_PROJECT_ROOT"] = Repositories.Root;
        env["GIT_HTTP_EXPORT_ALL"] = "1";
        env["GATEWAY_INTERFACE"] = "CGI/1.1";
        env["SERVER_PROTOCOL"] = request.Protocol;
        env["REQUEST_METHOD"] = request.Method;
        env["PATH_INFO"] = request.Path.Value ?? "/";
        env["QUERY_STRING"] = request.QueryString.HasValue ? request.QueryString.Value![1..] : "";
        env["CONTENT_TYPE"] = request.ContentType ?? "";
        // Unknown for a chunked body: http-backend then reads to the end of its input.
        env["CONTENT_LENGTH"] = request.ContentLength?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "";
        env["REMOTE_USER"] = User;
        env["REMOTE_ADDR"] = context.Connection.RemoteIpAddress?.ToString() ?? "";
        if (request.Headers.ContentEncoding.Count > 0)
        {
            env["HTTP_CONTENT_ENCODING"] = request.Headers.ContentEncoding.ToString();
        }

        if (request.Headers.TryGetValue("Git-Protocol", out var protocol))
        {
            env["GIT_PROTOCOL"] = protocol.ToString();
        }

        return start;
    }

    private static async Task FeedAsync(Stream body, Stream stdin, CancellationToken ct)
    {
        await using (stdin)
        {
            await body.CopyToAsync(stdin, ct);
        }
    }

    /// <summary>Reads the CGI header block ("Status: 404 Not Found", "Content-Type: ..."), up to its blank line.</summary>
    private static async Task<int> CopyHeadersAsync(Stream output, HttpResponse response, CancellationToken ct)
    {
        var status = StatusCodes.Status200OK;
        while (await ReadLineAsync(output, ct) is { Length: > 0 } line)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new InvalidOperationException($"git http-backend sent a malformed header line: {line}");
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                status = int.Parse(value.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                response.Headers.Append(name, value);
            }
        }

        response.StatusCode = status;
        return status;
    }

    private static async Task<string?> ReadLineAsync(Stream stream, CancellationToken ct)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one, ct) == 0)
            {
                return line.Count == 0 ? null : Encoding.ASCII.GetString([.. line]);
            }

            if (one[0] == '\n')
            {
                return Encoding.ASCII.GetString([.. line]).TrimEnd('\r');
            }

            line.Add(one[0]);
        }
    }
}

/// <summary>A request the smart-HTTP server saw: over which scheme, to which host name, and whether it carried credentials.</summary>
public sealed record SeenRequest(string Scheme, string Host, string Method, string PathAndQuery, bool HadAuthorization);
