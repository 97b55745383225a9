using GoForge.Core.Identity.GitHub;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OAuth;

namespace GoForge.Web.Auth;

/// <summary>
/// The GitHub handler's events. After the handler checked state, correlation and PKCE and exchanged the code, this
/// asks GitHub who signed in, lets Core decide (<see cref="GitHubSignInService"/> or, from the profile,
/// <see cref="GitHubLinkService"/>), and signs in with GoForge's cookie and server-side session. The handler's own
/// principal and GitHub's access token go no further than this request.
/// </summary>
internal sealed class GitHubOAuthEvents(
    GitHubSignInService signIn,
    GitHubLinkService links,
    SignInNotice notices,
    ILogger<GitHubOAuthEvents> logger) : OAuthEvents
{
    public const string FailedMessage = "GitHub sign-in did not complete, and nothing was changed. Start again from the sign-in page.";
    public const string CanceledMessage = "GitHub sign-in was canceled at GitHub; nothing was changed.";
    public const string LinkSessionMessage = "Your session changed while linking GitHub. Sign in, then link GitHub from your profile again.";

    public override async Task CreatingTicket(OAuthCreatingTicketContext context)
    {
        var identity = await GitHubUserInfo.FetchAsync(
            context.Backchannel, context.AccessToken!, context.Options.UserInformationEndpoint, context.HttpContext.RequestAborted);
        context.Identity!.AddClaims(GitHubUserInfo.ToClaims(identity));
    }

    public override async Task TicketReceived(TicketReceivedContext context)
    {
        // GoForge signs in below with its own cookie; the handler must not sign in GitHub's principal.
        context.HandleResponse();
        var http = context.HttpContext;
        var identity = GitHubUserInfo.FromPrincipal(context.Principal);
        if (identity is null)
        {
            http.Response.Redirect(notices.Url("/login", isError: true, FailedMessage));
            return;
        }

        if (Item(context.Properties, GitHubSignIn.ModeItem) == GitHubSignIn.LinkMode)
        {
            await LinkAsync(http, identity, Item(context.Properties, GitHubSignIn.UserItem));
            return;
        }

        var request = new GitHubSignInRequest(identity, Item(context.Properties, GitHubSignIn.InvitationItem),
            http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString());
        var result = await signIn.StartAsync(request, http.RequestAborted);
        if (!result.IsSuccess)
        {
            GitHubSignInLog.Refused(logger, identity.Id, result.Error.Kind);
            http.Response.Redirect(notices.Url("/login", isError: true, result.Error.Message));
            return;
        }

        if (result.Value!.Pending is { } pending)
        {
            // The two-factor policy asks for a code after GitHub too: no session until it passes.
            PendingSignInCookie.Set(http, pending);
            http.Response.Redirect(PendingSignInCookie.NextStep(pending, LocalUrl.OrHome(context.ReturnUri)));
            return;
        }

        var signedIn = result.Value.Session!;
        GitHubSignInLog.SignedIn(logger, identity.Id, signedIn.User.Id);
        await http.SignInAsync(
            CookieAuthenticationDefaults.AuthenticationScheme,
            GoForgeClaims.CreatePrincipal(signedIn.User, signedIn.Session.Id),
            new AuthenticationProperties { IsPersistent = true });
        http.Response.Redirect(LocalUrl.OrHome(context.ReturnUri));
    }

    public override Task AccessDenied(AccessDeniedContext context)
    {
        context.HandleResponse();
        return RefuseAsync(context.HttpContext, context.Properties, "canceled at GitHub", CanceledMessage);
    }

    public override Task RemoteFailure(RemoteFailureContext context)
    {
        context.HandleResponse();
        return RefuseAsync(context.HttpContext, context.Properties, context.Failure?.Message ?? "unknown failure", FailedMessage);
    }

    private async Task LinkAsync(HttpContext http, GitHubIdentity identity, string? startedBy)
    {
        // The link was started by a signed-in user (their id is in the protected state); the same session must finish it.
        var current = await http.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        var actor = current.Succeeded ? current.Principal.ToActor() : null;
        if (actor is null || !string.Equals(actor.UserId.ToString(), startedBy, StringComparison.Ordinal))
        {
            GitHubSignInLog.LinkSessionChanged(logger, identity.Id);
            await signIn.RecordRefusedByHandlerAsync($"link of GitHub id {identity.Id} finished by another session", http.Connection.RemoteIpAddress?.ToString(), http.RequestAborted);
            http.Response.Redirect(notices.Url("/login", isError: true, LinkSessionMessage));
            return;
        }

        var result = await links.LinkAsync(actor, identity, http.Connection.RemoteIpAddress?.ToString(), http.RequestAborted);
        if (!result.IsSuccess)
        {
            GitHubSignInLog.LinkRefused(logger, identity.Id, actor.UserId, result.Error!.Kind);
            http.Response.Redirect(notices.Url("/account", isError: true, result.Error.Message));
            return;
        }

        GitHubSignInLog.Linked(logger, identity.Id, actor.UserId);
        http.Response.Redirect(notices.Url("/account", isError: false, $"Linked the GitHub account {identity.Login}. You can now sign in with GitHub."));
    }

    private async Task RefuseAsync(HttpContext http, AuthenticationProperties? properties, string reason, string message)
    {
        GitHubSignInLog.RefusedByHandler(logger, reason);
        await signIn.RecordRefusedByHandlerAsync(reason, http.Connection.RemoteIpAddress?.ToString(), http.RequestAborted);
        var linking = Item(properties, GitHubSignIn.ModeItem) == GitHubSignIn.LinkMode;
        http.Response.Redirect(notices.Url(linking ? "/account" : "/login", isError: true, message));
    }

    private static string? Item(AuthenticationProperties? properties, string key) =>
        properties is not null && properties.Items.TryGetValue(key, out var value) ? value : null;
}
