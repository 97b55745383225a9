using System.Net;

namespace GoForge.Tests.Support;

/// <summary>Where a followed chain of redirects ended: the page, its status and text, and every address on the way.</summary>
public sealed record Landing(Uri Address, HttpStatusCode Status, string Html, IReadOnlyList<Uri> Visited)
{
    /// <summary>The page's HTML with entities decoded, for looking for messages.</summary>
    public string Text => WebUtility.HtmlDecode(Html);
}

/// <summary>
/// A browser for the GitHub flow: keeps cookies for the panel and the stand-in GitHub, follows redirects by hand, and
/// lets a test stop between the steps (start at the panel, authorize at GitHub, return to the panel's callback).
/// </summary>
public sealed class GitHubBrowser : IDisposable
{
    private readonly HttpClientHandler _handler = new() { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() };

    public GitHubBrowser(Uri panel) => Client = new HttpClient(_handler) { BaseAddress = panel };

    public HttpClient Client { get; }

    public bool HasSessionCookie => _handler.CookieContainer.GetCookies(Client.BaseAddress!).Any(c => c.Name == "goforge.session" && !c.Expired);

    public string? SessionCookie => _handler.CookieContainer.GetCookies(Client.BaseAddress!).FirstOrDefault(c => c.Name == "goforge.session")?.Value;

    /// <summary>Posts the GitHub form found on <paramref name="page"/> (antiforgery token and its hidden fields); returns GitHub's authorize address.</summary>
    public async Task<Uri> StartAsync(string page = "/login", string action = "/account/github/sign-in", IReadOnlyDictionary<string, string>? extra = null)
    {
        var fields = await FormClient.HiddenFieldsAsync(Client, page);
        var form = fields.Where(f => f.Key is "__RequestVerificationToken" or "ReturnUrl" or "Invitation").ToDictionary();
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            form[key] = value;
        }

        using var response = await Client.PostAsync(action, new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return new Uri(Client.BaseAddress!, response.Headers.Location!);
    }

    /// <summary>GitHub's authorize page; returns where it sends the browser back to (the panel's callback with code and state).</summary>
    public async Task<Uri> AuthorizeAsync(Uri authorize)
    {
        using var response = await Client.GetAsync(authorize);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"GitHub's authorize page answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return new Uri(authorize, response.Headers.Location!);
    }

    /// <summary>Gets <paramref name="address"/> and follows every redirect to the page that ends the chain.</summary>
    public async Task<Landing> FollowAsync(Uri address)
    {
        var visited = new List<Uri>();
        var current = address;
        for (var hop = 0; hop < 10; hop++)
        {
            visited.Add(current);
            using var response = await Client.GetAsync(current);
            if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                current = new Uri(current, location);
                continue;
            }

            return new Landing(current, response.StatusCode, await response.Content.ReadAsStringAsync(), visited);
        }

        throw new InvalidOperationException($"More than 10 redirects from {address}.");
    }

    /// <summary>The whole flow from the GitHub button on <paramref name="page"/> to the page it ends on.</summary>
    public async Task<Landing> SignInAsync(string page = "/login", string action = "/account/github/sign-in") =>
        await FollowAsync(await AuthorizeAsync(await StartAsync(page, action)));

    public void Dispose()
    {
        Client.Dispose();
        _handler.Dispose();
    }
}
