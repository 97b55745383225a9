using System.Reflection;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Identity.TwoFactor;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Identity.TwoFactor;

/// <summary>
/// The authorization matrix of the two-factor services: every public method that takes an <see cref="Actor"/> is listed
/// here (a new one fails the coverage test until it is), administrators' methods refuse members and project-restricted
/// tokens, and one's-own-account methods refuse an actor with no account of its own.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TwoFactorAuthorizationMatrixTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly Type[] ServiceTypes = [typeof(TwoFactorService), typeof(TwoFactorPolicyService), typeof(TwoFactorAdministration), typeof(RecentSecondFactor)];

    private TestHost _host = null!;
    private User _victim = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "twofactor-authz");
        _victim = await TestUsers.CreateAsync(_host);
        var start = (await _host.Get<TwoFactorService>().BeginAsync(Actor.From(_victim))).Value!;
        Assert.True((await _host.Get<TwoFactorService>().ConfirmAsync(Actor.From(_victim), TotpCodes.Now(start.Secret))).IsSuccess);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Dictionary<string, Func<Actor, Task<Error?>>> AdminCalls()
    {
        var policy = _host.Get<TwoFactorPolicyService>();
        var administration = _host.Get<TwoFactorAdministration>();
        return new()
        {
            ["TwoFactorPolicyService.GetAsync"] = async a => (await policy.GetAsync(a)).Error,
            ["TwoFactorPolicyService.SaveAsync"] = async a => (await policy.SaveAsync(a, new TwoFactorPolicy(true, true, true))).Error,
            ["TwoFactorAdministration.IsEnabledAsync"] = async a => (await administration.IsEnabledAsync(a, _victim.Id)).Error,
            ["TwoFactorAdministration.ResetAsync"] = async a => (await administration.ResetAsync(a, _victim.Id)).Error,
        };
    }

    private Dictionary<string, Func<Actor, Task<Error?>>> OwnAccountCalls()
    {
        var service = _host.Get<TwoFactorService>();
        var recent = _host.Get<RecentSecondFactor>();
        return new()
        {
            ["TwoFactorService.GetStatusAsync"] = async a => (await service.GetStatusAsync(a)).Error,
            ["TwoFactorService.BeginAsync"] = async a => (await service.BeginAsync(a)).Error,
            ["TwoFactorService.ConfirmAsync"] = async a => (await service.ConfirmAsync(a, "123456")).Error,
            ["TwoFactorService.RegenerateRecoveryCodesAsync"] = async a => (await service.RegenerateRecoveryCodesAsync(a, "123456")).Error,
            ["TwoFactorService.DisableAsync"] = async a => (await service.DisableAsync(a, TestUsers.Password, "123456")).Error,
            ["RecentSecondFactor.ReverifyAsync"] = async a => (await recent.ReverifyAsync(a, "123456")).Error,
        };
    }

    // Not a permission: it asks whether the actor's own session passed a second factor lately (an actor's user and
    // session come together from one cookie). Creating tokens, its one caller, is covered by TwoFactorTests.
    private static readonly string[] NotAPermission = ["RecentSecondFactor.CheckAsync"];

    [Fact]
    public void Every_two_factor_method_that_takes_an_actor_is_in_the_matrix()
    {
        var methods = ServiceTypes
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(m => m.GetParameters().Any(p => p.ParameterType == typeof(Actor)))
                .Select(m => $"{t.Name}.{m.Name}"))
            .ToHashSet();
        var covered = AdminCalls().Keys.Concat(OwnAccountCalls().Keys).Concat(NotAPermission).ToHashSet();

        Assert.Empty(methods.Except(covered));
    }

    [Fact]
    public async Task Members_and_project_restricted_admin_tokens_are_refused_every_administrators_call()
    {
        var member = Actor.From(await TestUsers.CreateAsync(_host));
        var restrictedAdmin = Actor.From(await TestUsers.CreateAsync(_host, UserRole.Admin)) with { ProjectRestriction = Guid.NewGuid() };

        foreach (var (name, call) in AdminCalls())
        {
            Assert.True((await call(member))?.Kind == ErrorKind.Forbidden, $"{name} let a member through");
            Assert.True((await call(restrictedAdmin))?.Kind == ErrorKind.Forbidden, $"{name} let a project-restricted token through");
        }

        Assert.True((await _host.Get<TwoFactorAdministration>().IsEnabledAsync(Actor.Operator, _victim.Id)).Value);
        Assert.Equal(TwoFactorPolicy.Default, await _host.Get<TwoFactorPolicyService>().GetAsync());
    }

    [Fact]
    public async Task Own_account_calls_refuse_an_actor_without_an_account_or_with_a_project_restricted_token()
    {
        var restricted = Actor.From(_victim) with { ProjectRestriction = Guid.NewGuid() };

        foreach (var (name, call) in OwnAccountCalls())
        {
            Assert.True(await call(Actor.Operator) is { Kind: ErrorKind.NotFound or ErrorKind.Forbidden }, $"{name} acted for the operator");
            Assert.True(await call(restricted) is { Kind: ErrorKind.NotFound or ErrorKind.Forbidden }, $"{name} acted for a project-restricted token");
        }

        Assert.True((await _host.Get<TwoFactorService>().GetStatusAsync(Actor.From(_victim))).Value!.Enabled);
    }
}
