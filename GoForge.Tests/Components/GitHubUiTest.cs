using Bunit;
using GoForge.Core.Identity;
using GoForge.Core.Identity.GitHub;
using GoForge.Tests.Harness;
using GoForge.Tests.Identity;
using GoForge.Tests.Support;
using GoForge.Web.Auth;
using GoForge.Web.Hosting;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace GoForge.Tests.Components;

/// <summary>
/// Components of GitHub sign-in over the real Core services and a migrated database (GitHub configured, sign-up
/// closed), with <see cref="SignedIn"/> signed in; dialogs and snackbars rendered.
/// </summary>
public abstract class GitHubUiTest(PostgresFixture postgres, UserRole role) : GoForgeTestContext
{
    protected TestHost Host { get; private set; } = null!;

    protected User SignedIn { get; private set; } = null!;

    protected IRenderedComponent<MudDialogProvider> Dialogs { get; private set; } = null!;

    protected override async Task InitializeAsync()
    {
        Host = await TestHost.StartAsync(postgres, "ghui", GitHubSignInServiceTests.GitHubSettings(allowSignUp: false));
        SignedIn = await CreateSignedInUserAsync(Host);
        foreach (var type in new[] { typeof(GitHubSettingsAdministration), typeof(GitHubSettingsProvider), typeof(InvitationService), typeof(GitHubLinkService), typeof(AccountService), typeof(TimeProvider), typeof(GoForge.Core.Identity.ApiTokens.ApiTokenService),
            typeof(GoForge.Core.Identity.TwoFactor.TwoFactorService), typeof(GoForge.Core.Identity.TwoFactor.RecentSecondFactor) })
        {
            Services.AddSingleton(type, Host.Services.GetRequiredService(type));
        }

        Services.AddSingleton(Options.Create(new GoForgeWebOptions()));
        Services.AddSingleton(new SignInNotice(new EphemeralDataProtectionProvider()));
        Services.AddSingleton<AntiforgeryStateProvider, FixedAntiforgery>();
        Services.AddScoped<CurrentUser>();
        this.SignIn(SignedIn);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Dialogs = Render<MudDialogProvider>();
        Render<MudSnackbarProvider>();
    }

    protected override ValueTask DisposeResourcesAsync() => Host.DisposeAsync();

    /// <summary>The user the components act for; a password user of <paramref name="role"/> by default.</summary>
    protected virtual Task<User> CreateSignedInUserAsync(TestHost host) => TestUsers.CreateAsync(host, role);

    /// <summary>Clicks the button with this text in the open dialog (a confirmation's yes or no).</summary>
    protected void ClickInDialog(string text) =>
        Dialogs.WaitForAssertion(() => Dialogs.FindAll("button").First(b => b.TextContent.Trim() == text).Click(), WaitTimeout);

    /// <summary>Antiforgery for rendered forms; the real token comes from the HTTP request that opened the page.</summary>
    private sealed class FixedAntiforgery : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken? GetAntiforgeryToken() => new("test-antiforgery-token", "__RequestVerificationToken");
    }
}
