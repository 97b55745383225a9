using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using LibGit2Sharp;

namespace GoForge.Infrastructure.Git;

/// <summary>
/// libgit2's http and https transports, replaced by git's smart HTTP protocol over <see cref="HttpClient"/>, so that
/// every connection (redirects included) goes through <see cref="RepositoryEndpoint"/>: the address is checked and
/// pinned at connect time. Stateless RPC: the ref listing is a GET of <c>info/refs</c>, each negotiation round a POST
/// of <c>git-upload-pack</c>. As git does, the first request is anonymous and the token is sent after a 401 (and from
/// then on); never over plain http://, never to another host than the clone's (a redirect drops it).
/// </summary>
internal sealed class SmartHttpSubtransport : RpcSmartSubtransport
{
    private const string UploadPackList = "/info/refs?service=git-upload-pack";
    private const string UploadPack = "/git-upload-pack";
    private const int MaxRedirects = 5;
    private static readonly Lazy<bool> Registration = new(Register, LazyThreadSafetyMode.ExecutionAndPublication);

    public static void EnsureRegistered() => _ = Registration.Value;

    /// <summary>A client whose every connection is to a checked address; trusts the system's roots and <paramref name="trusted"/>.</summary>
    public static HttpClient CreateClient(bool allowPrivateNetworks, X509Certificate2Collection trusted)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = MaxRedirects,
            // A proxy would be the only address checked; clones connect directly.
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            ConnectCallback = async (context, ct) =>
            {
                var socket = await RepositoryEndpoint.ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, allowPrivateNetworks, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        if (trusted.Count > 0)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Trusted(certificate, errors, trusted);
        }

        return new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private static bool Trusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection trusted)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null)
        {
            return false; // a name mismatch or no certificate is never excused
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate as X509Certificate2 ?? new X509Certificate2(certificate));
    }

    protected override SmartSubtransportStream Action(string url, GitSmartSubtransportAction action)
    {
        var context = GitNetworkContext.Current
            ?? throw new InvalidOperationException("http(s) URLs are cloned only through GoForge's Git client.");
        return action switch
        {
            GitSmartSubtransportAction.UploadPackList => new RpcStream(this, context, url, post: false),
            GitSmartSubtransportAction.UploadPack => new RpcStream(this, context, url, post: true),
            _ => throw new NotSupportedException("GoForge only fetches over HTTP; pushing is not supported."),
        };
    }

    private static bool Register()
    {
        GlobalSettings.RegisterSmartSubtransport<SmartHttpSubtransport>("http");
        GlobalSettings.RegisterSmartSubtransport<SmartHttpSubtransport>("https");
        return true;
    }

    /// <summary>One request: the body libgit2 writes is sent at its first read.</summary>
    private sealed class RpcStream(SmartHttpSubtransport owner, GitNetworkContext context, string url, bool post) : SmartSubtransportStream(owner)
    {
        private const int ChunkSize = 64 * 1024;
        private readonly System.Buffers.ArrayBufferWriter<byte> _body = new();
        private readonly byte[] _buffer = new byte[ChunkSize];
        private HttpResponseMessage? _response;
        private Stream? _content;

        public override int Write(Stream dataStream, long length)
        {
            dataStream.ReadExactly(_body.GetSpan((int)length)[..(int)length]);
            _body.Advance((int)length);
            return 0;
        }

        public override int Read(Stream dataStream, long length, out long bytesRead)
        {
            if (_content is null)
            {
                _response = Send();
                _content = _response.Content.ReadAsStream(context.CancellationToken);
            }

            var n = _content.Read(_buffer, 0, (int)Math.Min(length, ChunkSize));
            dataStream.Write(_buffer, 0, n);
            bytesRead = n;
            return 0;
        }

        protected override void Free()
        {
            _content?.Dispose();
            _response?.Dispose();
            base.Free();
        }

        private HttpResponseMessage Send()
        {
            var baseUrl = (context.RedirectedUrl ?? url).TrimEnd('/');
            var target = new Uri(baseUrl + (post ? UploadPack : UploadPackList));
            var original = new Uri(context.Url);
            while (true)
            {
                using var request = new HttpRequestMessage(post ? HttpMethod.Post : HttpMethod.Get, target);
                request.Headers.UserAgent.ParseAdd("git/2.0 (GoForge)");
                request.Headers.Pragma.ParseAdd("no-cache");
                if (post)
                {
                    request.Content = new ByteArrayContent(_body.WrittenSpan.ToArray());
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-git-upload-pack-request");
                    request.Headers.Accept.ParseAdd("application/x-git-upload-pack-result");
                }

                var sendToken = context.SendToken && context.Token is { } token && MaySendToken(target, original);
                if (sendToken)
                {
                    var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{context.Token!.Username}:{context.Token.Password}"));
                    request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
                }

                var response = SendOrFail(request);
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    response.Dispose();
                    if (context.Token is null)
                    {
                        throw Fail("the server asks for credentials, and this repository has none: add an access token.");
                    }

                    if (sendToken || !MaySendToken(target, original))
                    {
                        throw Fail(sendToken
                            ? $"the server refused the credentials of user '{context.Token.Username}': check the access token (it may be wrong, expired or without read access)."
                            : $"the server at {target.Host} asks for credentials; the token is sent only over https:// to {original.Host}.");
                    }

                    context.SendToken = true;
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
                    response.Dispose();
                    throw Fail($"the server answered {status} for {GitRedaction.Url(target.GetLeftPart(UriPartial.Path))}.");
                }

                if (!post && response.RequestMessage?.RequestUri is { } final && final != target)
                {
                    // Redirected (git does the same): the negotiation goes where the ref listing was found.
                    var finalUrl = final.GetLeftPart(UriPartial.Path);
                    const string Listing = "/info/refs";
                    context.RedirectedUrl = finalUrl.EndsWith(Listing, StringComparison.Ordinal) ? finalUrl[..^Listing.Length] : finalUrl;
                }

                return response;
            }
        }

        /// <summary>Only over https, and only to the clone's own host and port.</summary>
        private static bool MaySendToken(Uri target, Uri original) =>
            target.Scheme == Uri.UriSchemeHttps && original.Scheme == Uri.UriSchemeHttps
            && string.Equals(target.IdnHost, original.IdnHost, StringComparison.OrdinalIgnoreCase) && target.Port == original.Port;

        private HttpResponseMessage SendOrFail(HttpRequestMessage request)
        {
            try
            {
                return context.Http.Send(request, HttpCompletionOption.ResponseHeadersRead, context.CancellationToken);
            }
            catch (HttpRequestException e) when (Refusal(e) is { } refused)
            {
                throw Fail(refused.Message);
            }
            catch (HttpRequestException e) when (!context.CancellationToken.IsCancellationRequested)
            {
                throw Fail($"could not reach {GitRedaction.Url(request.RequestUri!.GetLeftPart(UriPartial.Authority))}: {e.Message}");
            }
        }

        private static RepositoryAddressRefusedException? Refusal(Exception e)
        {
            for (var inner = (Exception?)e; inner is not null; inner = inner.InnerException)
            {
                if (inner is RepositoryAddressRefusedException refused)
                {
                    return refused;
                }
            }

            return null;
        }

        private InvalidOperationException Fail(string reason)
        {
            context.Failure.Record(reason);
            return new InvalidOperationException(reason);
        }
    }
}
