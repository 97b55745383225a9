using System.Text;
using Dapper;
using GoForge.Core.Identity;
using GoForge.Core.Identity.GitHub;
using GoForge.Core.Secrets;
using GoForge.Infrastructure.Crypto;
using GoForge.Infrastructure.Identity.GitHub;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Npgsql;

namespace GoForge.Tests.Persistence;

/// <summary>The GitHub tables on real PostgreSQL: the encrypted settings row, invitations, and the GitHub columns of users.</summary>
[Collection(PostgresCollection.Name)]
public sealed class GitHubRepositoryTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Secret = "0123456789abcdef-github-client-secret";

    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync(postgres, "ghrepo");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private IGitHubSettingsRepository Settings => _host.Get<IGitHubSettingsRepository>();

    private IGitHubUserRepository GitHubUsers => _host.Get<IGitHubUserRepository>();

    [Fact]
    public async Task Settings_round_trip_and_the_secret_is_stored_only_encrypted_under_the_current_key()
    {
        var admin = await TestUsers.CreateAsync(_host, UserRole.Admin);
        var saved = Sample();

        await Settings.SaveAsync(saved, admin.Id, new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.Zero));

        var read = await Settings.GetAsync();
        Assert.Equal(saved with { Origin = GitHubSettingsOrigin.Panel, UpdatedAt = new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.Zero) }, read);
        var row = await ReadSecretAsync();
        Assert.Equal(_host.Get<SecretKeyRing>().CurrentKeyId, row.KeyId);
        Assert.Equal(-1, IndexOf(row.Ciphertext, Encoding.UTF8.GetBytes(Secret)));
        Assert.Equal(12 + Encoding.UTF8.GetByteCount(Secret) + 16, row.Ciphertext.Length);
    }

    [Fact]
    public async Task The_secret_is_bound_to_its_row_so_a_copy_elsewhere_does_not_decrypt()
    {
        await Settings.SaveAsync(Sample(), (await TestUsers.CreateAsync(_host)).Id, DateTimeOffset.UtcNow);
        var row = await ReadSecretAsync();

        Assert.Throws<SecretUnprotectException>(() => _host.Get<ISecretProtector>().Unprotect(row, Guid.NewGuid()));
        Assert.Equal(Secret, _host.Get<ISecretProtector>().Unprotect(row, GitHubSettingsRepository.RowId));
    }

    [Fact]
    public async Task Saving_again_replaces_the_one_row_and_deleting_brings_back_nothing()
    {
        var user = await TestUsers.CreateAsync(_host);
        await Settings.SaveAsync(Sample(), user.Id, DateTimeOffset.UtcNow);
        await Settings.SaveAsync(Sample() with { ClientId = "Iv1.second", ClientSecret = string.Empty, Enabled = false }, user.Id, DateTimeOffset.UtcNow);

        var read = (await Settings.GetAsync())!;
        Assert.Equal(("Iv1.second", string.Empty, false), (read.ClientId, read.ClientSecret, read.Enabled));
        await using var conn = new NpgsqlConnection(_host.ConnectionString);
        Assert.Equal(1, await conn.ExecuteScalarAsync<int>("SELECT count(*)::int FROM github_sign_in_settings"));

        Assert.True(await Settings.DeleteAsync());
        Assert.Null(await Settings.GetAsync());
        Assert.False(await Settings.DeleteAsync());
    }

    [Fact]
    public async Task Key_rotation_re_encrypts_the_GitHub_secret_too()
    {
        await Settings.SaveAsync(Sample(), (await TestUsers.CreateAsync(_host)).Id, DateTimeOffset.UtcNow);
        var before = await ReadSecretAsync();

        var report = await _host.Get<ISecretKeyRotator>().RotateAsync();

        var after = await ReadSecretAsync();
        Assert.Equal(report.NewKeyId, after.KeyId);
        Assert.NotEqual(before.KeyId, after.KeyId);
        Assert.True(report.ValuesReencrypted >= 1);
        Assert.Equal(Secret, (await Settings.GetAsync())!.ClientSecret);
    }

    [Fact]
    public async Task A_linked_account_is_created_with_its_GitHub_login_and_found_by_its_id()
    {
        var user = NewUser("octocat", 583231);

        Assert.Equal(GitHubAccountWrite.Done, await GitHubUsers.CreateLinkedAsync(user, "OctoCat", null, DateTimeOffset.UtcNow));

        var found = (await GitHubUsers.GetByGitHubIdAsync(583231))!;
        Assert.Equal((user.Id, "octocat", (string?)null), (found.Id, found.Login, found.PasswordHash));
        Assert.Equal("OctoCat", await GitHubUsers.GetGitHubLoginAsync(user.Id));
        Assert.Null(await GitHubUsers.GetByGitHubIdAsync(1));
    }

    [Fact]
    public async Task A_taken_login_or_GitHub_id_inserts_nothing_and_says_which()
    {
        Assert.Equal(GitHubAccountWrite.Done, await GitHubUsers.CreateLinkedAsync(NewUser("octocat", 583231), "octocat", null, DateTimeOffset.UtcNow));

        Assert.Equal(GitHubAccountWrite.LoginTaken, await GitHubUsers.CreateLinkedAsync(NewUser("octocat", 42), "x", null, DateTimeOffset.UtcNow));
        Assert.Equal(GitHubAccountWrite.GitHubIdTaken, await GitHubUsers.CreateLinkedAsync(NewUser("other", 583231), "x", null, DateTimeOffset.UtcNow));
        Assert.Single(await _host.Get<IUserRepository>().ListAsync());
    }

    [Fact]
    public async Task An_invitation_is_spent_with_the_account_it_makes_or_not_at_all()
    {
        var invitation = await InvitationAsync(DateTimeOffset.UtcNow.AddDays(1));
        var first = NewUser("first", 1);

        Assert.Equal(GitHubAccountWrite.Done, await GitHubUsers.CreateLinkedAsync(first, "first", invitation.Id, DateTimeOffset.UtcNow));
        Assert.Equal(GitHubAccountWrite.InvitationGone, await GitHubUsers.CreateLinkedAsync(NewUser("second", 2), "second", invitation.Id, DateTimeOffset.UtcNow));

        var spent = (await _host.Get<IInvitationRepository>().GetAsync(invitation.Id))!;
        Assert.Equal(first.Id, spent.UsedBy);
        Assert.Null(await GitHubUsers.GetByGitHubIdAsync(2));

        // A login clash rolls the spending back: the invitation stays usable.
        var other = await InvitationAsync(DateTimeOffset.UtcNow.AddDays(1));
        Assert.Equal(GitHubAccountWrite.LoginTaken, await GitHubUsers.CreateLinkedAsync(NewUser("first", 3), "x", other.Id, DateTimeOffset.UtcNow));
        Assert.Null((await _host.Get<IInvitationRepository>().GetAsync(other.Id))!.UsedAt);
    }

    [Fact]
    public async Task An_expired_or_revoked_invitation_makes_no_account()
    {
        var invitations = _host.Get<IInvitationRepository>();
        var expired = await InvitationAsync(DateTimeOffset.UtcNow.AddSeconds(1));
        var revoked = await InvitationAsync(DateTimeOffset.UtcNow.AddDays(1));
        Assert.True(await invitations.RevokeAsync(revoked.Id, DateTimeOffset.UtcNow));
        Assert.False(await invitations.RevokeAsync(revoked.Id, DateTimeOffset.UtcNow));

        Assert.Equal(GitHubAccountWrite.InvitationGone, await GitHubUsers.CreateLinkedAsync(NewUser("late", 5), "late", expired.Id, DateTimeOffset.UtcNow.AddMinutes(1)));
        Assert.Equal(GitHubAccountWrite.InvitationGone, await GitHubUsers.CreateLinkedAsync(NewUser("revoked", 6), "revoked", revoked.Id, DateTimeOffset.UtcNow));
        Assert.Empty(await _host.Get<IUserRepository>().ListAsync());
    }

    [Fact]
    public async Task Invitations_round_trip_and_are_found_by_token_hash_newest_first()
    {
        var older = await InvitationAsync(DateTimeOffset.UtcNow.AddDays(1));
        var newer = await InvitationAsync(DateTimeOffset.UtcNow.AddDays(2));
        var invitations = _host.Get<IInvitationRepository>();

        Assert.Equal(newer.Id, (await invitations.GetByTokenHashAsync(newer.TokenHash))!.Id);
        Assert.Null(await invitations.GetByTokenHashAsync(new byte[32]));
        Assert.Equal([newer.Id, older.Id], (await invitations.ListAsync(10)).Select(i => i.Id));
        var read = (await invitations.GetAsync(older.Id))!;
        Assert.Equal((older.Role, older.Note), (read.Role, read.Note));
        Assert.Equal(older.TokenHash, read.TokenHash);
    }

    [Fact]
    public async Task Linking_an_id_another_account_has_is_refused_by_the_unique_index_and_unlinking_clears_both_columns()
    {
        var owner = await TestUsers.CreateAsync(_host);
        var other = await TestUsers.CreateAsync(_host);
        Assert.Equal(GitHubAccountWrite.Done, await GitHubUsers.LinkAsync(owner.Id, 77, "seven", DateTimeOffset.UtcNow));

        Assert.Equal(GitHubAccountWrite.GitHubIdTaken, await GitHubUsers.LinkAsync(other.Id, 77, "seven", DateTimeOffset.UtcNow));
        Assert.Equal(GitHubAccountWrite.UserNotFound, await GitHubUsers.LinkAsync(Guid.NewGuid(), 78, "x", DateTimeOffset.UtcNow));

        Assert.True(await GitHubUsers.UnlinkAsync(owner.Id, DateTimeOffset.UtcNow));
        Assert.Null((await _host.Get<IUserRepository>().GetByIdAsync(owner.Id))!.GitHubId);
        Assert.Null(await GitHubUsers.GetGitHubLoginAsync(owner.Id));
    }

    private GitHubSettings Sample() => new()
    {
        Enabled = true,
        ClientId = "Iv1.0123456789abcdef",
        ClientSecret = Secret,
        BaseUrl = new Uri("https://ghe.example.com/"),
        ApiUrl = new Uri("https://ghe.example.com/api/v3"),
        AllowSignUp = true,
    };

    private static User NewUser(string login, long gitHubId)
    {
        var now = DateTimeOffset.UtcNow;
        return new User { Id = Guid.CreateVersion7(), Login = login, DisplayName = login, Role = UserRole.Member, GitHubId = gitHubId, CreatedAt = now, UpdatedAt = now };
    }

    private async Task<Invitation> InvitationAsync(DateTimeOffset expiresAt)
    {
        var invitation = new Invitation
        {
            Id = Guid.CreateVersion7(),
            TokenHash = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32),
            Role = UserRole.Admin,
            Note = "für Zoë",
            CreatedAt = DateTimeOffset.UtcNow.AddSeconds(-1),
            ExpiresAt = expiresAt,
        };
        await _host.Get<IInvitationRepository>().CreateAsync(invitation);
        return invitation;
    }

    private async Task<ProtectedValue> ReadSecretAsync()
    {
        await using var conn = new NpgsqlConnection(_host.ConnectionString);
        var row = await conn.QuerySingleAsync<(string KeyId, byte[] Ciphertext)>(
            "SELECT client_secret_key_id, client_secret_ciphertext FROM github_sign_in_settings");
        return new ProtectedValue(row.KeyId, row.Ciphertext);
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
