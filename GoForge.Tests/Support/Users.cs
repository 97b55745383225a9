using GoForge.Core.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Support;

/// <summary>Makes users through the real repository and hasher, with unique logins per call.</summary>
public static class TestUsers
{
    public const string Password = "correct horse battery staple";

    private static int _counter;

    public static Task<User> CreateAsync(TestHost host, UserRole role = UserRole.Member, bool disabled = false, string? login = null) =>
        CreateAsync(host.Services, role, disabled, login);

    public static async Task<User> CreateAsync(IServiceProvider services, UserRole role = UserRole.Member, bool disabled = false, string? login = null)
    {
        var now = DateTimeOffset.UtcNow;
        var user = new User
        {
            Id = Guid.CreateVersion7(),
            Login = login ?? $"user{Interlocked.Increment(ref _counter)}-{Guid.NewGuid():N}"[..20],
            DisplayName = "Test User",
            PasswordHash = services.GetRequiredService<IPasswordHasher>().Hash(Password),
            Role = role,
            IsDisabled = disabled,
            CreatedAt = now,
            UpdatedAt = now,
        };
        Assert.True(await services.GetRequiredService<IUserRepository>().TryCreateAsync(user));
        return user;
    }
}
