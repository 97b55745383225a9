using System.Net;
using GoForge.Core.Auditing;
using GoForge.Core.Identity;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace GoForge.Tests.Web;

[Collection(PostgresCollection.Name)]
public sealed class SignInFlowTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GoForgeApp _app = null!;

    public async Task InitializeAsync() => _app = await GoForgeApp.StartAsync(postgres, "webauth");

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private HttpClient NewClient() => _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    [Theory]
    [InlineData("/")]
    [InlineData("/users")]
    [InlineData("/settings")]
    public async Task Pages_visited_without_signing_in_redirect_to_sign_in(string path)
    {
        var response = await NewClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location!.AbsolutePath);
        Assert.Contains(Uri.EscapeDataString(path), response.Headers.Location.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Blazor_hub_refuses_anonymous_connections()
    {
        var response = await NewClient().PostAsync("/_blazor/negotiate?negotiateVersion=1", null);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("connectionToken", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_in_through_the_form_reaches_the_dashboard()
    {
        var user = await _app.CreateUserAsync();
        var client = NewClient();

        var response = await FormClient.SignInAsync(client, user.Login, TestUsers.Password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        AssertLocalRedirect("/", response);
        var setCookie = string.Join(";", response.Headers.GetValues("Set-Cookie"));
        Assert.Contains("goforge.session=", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);
        var dashboard = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("Getting started", await dashboard.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_returns_to_a_local_return_url_but_never_to_another_site()
    {
        var user = await _app.CreateUserAsync();

        var local = await FormClient.SubmitAsync(NewClient(), "/login?returnUrl=%2Fsettings",
            new Dictionary<string, string> { ["Input.Login"] = user.Login, ["Input.Password"] = TestUsers.Password });
        var foreign = await FormClient.SubmitAsync(NewClient(), "/login?returnUrl=%2F%2Fevil.example%2F",
            new Dictionary<string, string> { ["Input.Login"] = user.Login, ["Input.Password"] = TestUsers.Password });

        AssertLocalRedirect("/settings", local);
        AssertLocalRedirect("/", foreign);
    }

    [Fact]
    public async Task Wrong_password_shows_a_clear_message_and_sets_no_cookie()
    {
        var user = await _app.CreateUserAsync();

        var response = await FormClient.SignInAsync(NewClient(), user.Login, "definitely wrong");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(SignInService.WrongCredentialsMessage, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("goforge.session=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Disabled_account_is_told_so_on_the_form()
    {
        var user = await _app.CreateUserAsync(disabled: true);

        var response = await FormClient.SignInAsync(NewClient(), user.Login, TestUsers.Password);

        Assert.Contains(SignInService.DisabledMessage, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_without_antiforgery_token_is_rejected_and_nothing_is_written()
    {
        var user = await _app.CreateUserAsync();

        var response = await FormClient.SubmitAsync(NewClient(), "/login",
            new Dictionary<string, string> { ["Input.Login"] = user.Login, ["Input.Password"] = TestUsers.Password }, withAntiforgery: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await _app.Get<IAuditLog>().ListRecentAsync(10));
    }

    [Fact]
    public async Task Malformed_form_post_is_rejected_without_writing()
    {
        var content = new StringContent("%%%not-a-form&&&=", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");

        var response = await NewClient().PostAsync("/login", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await _app.Get<IAuditLog>().ListRecentAsync(10));
    }

    [Fact]
    public async Task Oversized_fields_get_a_field_message_and_nothing_is_written()
    {
        var huge = new string('x', 200_000);

        var response = await FormClient.SignInAsync(NewClient(), huge, huge);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("A login has at most 64 characters.", html, StringComparison.Ordinal);
        Assert.DoesNotContain(huge, html, StringComparison.Ordinal);
        Assert.Empty(await _app.Get<IAuditLog>().ListRecentAsync(10));
    }

    [Fact]
    public async Task Signing_out_makes_a_copied_cookie_worthless()
    {
        var user = await _app.CreateUserAsync();
        var client = NewClient();
        var signIn = await FormClient.SignInAsync(client, user.Login, TestUsers.Password);
        var stolenCookie = signIn.Headers.GetValues("Set-Cookie").First(c => c.StartsWith("goforge.session=", StringComparison.Ordinal)).Split(';')[0];

        // A signed-in user's antiforgery token comes from any page with a form.
        var fields = await FormClient.HiddenFieldsAsync(client, "/login");
        var logout = await client.PostAsync("/account/logout", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["__RequestVerificationToken"] = fields["__RequestVerificationToken"] }));
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);

        var thief = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", stolenCookie);
        var response = await thief.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task Logout_without_antiforgery_token_does_not_sign_out()
    {
        var user = await _app.CreateUserAsync();
        var client = NewClient();
        await FormClient.SignInAsync(client, user.Login, TestUsers.Password);

        var forged = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>()));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Setup_link_from_the_log_creates_the_first_admin_once_and_never_again()
    {
        var link = await _app.SetupLinkAsync();
        var path = link.PathAndQuery;
        var values = new Dictionary<string, string>
        {
            ["Input.Login"] = "founder",
            ["Input.DisplayName"] = "The Founder",
            ["Input.Password"] = TestUsers.Password,
            ["Input.ConfirmPassword"] = TestUsers.Password,
        };

        var created = await FormClient.SubmitAsync(NewClient(), path, values);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        AssertLocalRedirect("/login?setup=done", created);

        var reused = await NewClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.Forbidden, reused.StatusCode);
        Assert.Contains("not valid or was already used", await reused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var users = await _app.Get<IUserRepository>().ListAsync();
        var admin = Assert.Single(users);
        Assert.Equal(("founder", UserRole.Admin), (admin.Login, admin.Role));
        Assert.Equal(HttpStatusCode.Redirect, (await FormClient.SignInAsync(NewClient(), "founder", TestUsers.Password)).StatusCode);
    }

    [Fact]
    public async Task Setup_page_without_the_token_offers_no_form()
    {
        var response = await NewClient().GetAsync("/setup?token=guess");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("not valid or was already used", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("Input.Password", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static void AssertLocalRedirect(string pathAndQuery, HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal(pathAndQuery, location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString);
        Assert.True(!location.IsAbsoluteUri || location.Host == "localhost", $"Redirect left the site: {location}");
    }
}
