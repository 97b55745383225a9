using GoForge.Core.Identity;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GoForge.Tests.Identity;

[Collection(PostgresCollection.Name)]
public sealed class SessionExpiryTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero));
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync(postgres, "expiry",
        new Dictionary<string, string?>
        {
            ["GoForge:Auth:SessionIdleTimeout"] = "01:00:00",
            ["GoForge:Auth:SessionAbsoluteLifetime"] = "03:00:00",
        },
        services => services.AddSingleton<TimeProvider>(_time));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<Guid> SignInAsync()
    {
        var user = await TestUsers.CreateAsync(_host);
        var result = await _host.Get<SignInService>().SignInAsync(new SignInRequest(user.Login, TestUsers.Password, null, null));
        return result.Value!.Session.Id;
    }

    private async Task<bool> IsValidAsync(Guid sessionId) => await _host.Get<SessionService>().ValidateAsync(sessionId) is not null;

    [Fact]
    public async Task Unused_session_ends_after_the_idle_timeout()
    {
        var session = await SignInAsync();

        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.True(await IsValidAsync(session));
        _time.Advance(TimeSpan.FromMinutes(61));
        Assert.False(await IsValidAsync(session));
    }

    [Fact]
    public async Task Activity_slides_the_expiry_but_never_past_the_absolute_lifetime()
    {
        var session = await SignInAsync();

        // Active every 50 minutes: each check moves the idle deadline on.
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(50));
            Assert.True(await IsValidAsync(session), $"still active after {(i + 1) * 50} minutes");
        }

        _time.Advance(TimeSpan.FromMinutes(29)); // 2 h 59 min after sign-in
        Assert.True(await IsValidAsync(session));
        _time.Advance(TimeSpan.FromMinutes(2)); // past 3 h, however active
        Assert.False(await IsValidAsync(session));
    }
}
