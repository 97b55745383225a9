using GoForge.Core.Backups;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Cli;

/// <summary>The Core services the CLI calls decide who may use them, whatever the entry point (the API will call them too).</summary>
[Collection(PostgresCollection.Name)]
public sealed class CliCoreServiceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestHost _host = null!;
    private Application _app = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "cli_core");
        var (_, production) = await _host.Services.CreateProjectAsync(Actor.Operator, "Shop");
        _app = await _host.Services.CreateApplicationAsync(Actor.Operator, production.Id, "web");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_locator_finds_an_application_by_id_or_slug_path_but_an_outsider_gets_not_found_either_way()
    {
        var locator = _host.Get<ApplicationLocator>();
        var outsider = Actor.From(await TestUsers.CreateAsync(_host));

        Assert.Equal(_app.Id, (await locator.FindAsync(Actor.Operator, "shop/production/web")).Value!.Id);
        Assert.Equal(_app.Id, (await locator.FindAsync(Actor.Operator, $" {_app.Id} ")).Value!.Id);
        Assert.Equal(ErrorKind.NotFound, (await locator.FindAsync(outsider, "shop/production/web")).Error!.Kind);
        Assert.Equal(ErrorKind.NotFound, (await locator.FindAsync(outsider, _app.Id.ToString())).Error!.Kind);
        Assert.Equal(ErrorKind.Validation, (await locator.FindAsync(Actor.Operator, "shop//web")).Error!.Kind);
        Assert.Equal(ErrorKind.Validation, (await locator.FindAsync(Actor.Operator, new string('a', 400))).Error!.Kind);
    }

    [Fact]
    public async Task Only_administrators_back_up_or_restore_and_a_refused_call_writes_no_file()
    {
        var member = Actor.From(await TestUsers.CreateAsync(_host));
        var folder = Directory.CreateTempSubdirectory("goforge-core-backup-").FullName;
        try
        {
            var path = Path.Combine(folder, "x.dump");
            var backups = _host.Get<BackupService>();

            Assert.Equal(ErrorKind.Forbidden, (await backups.BackupAsync(member, path, overwrite: false)).Error!.Kind);
            Assert.Equal(ErrorKind.Forbidden, (await backups.RestoreAsync(member, path, force: true)).Error!.Kind);
            Assert.Empty(Directory.GetFileSystemEntries(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a\0b")]
    [InlineData("folder/")]
    public void Backup_paths_that_name_no_file_are_refused(string path) =>
        Assert.Equal(ErrorKind.Validation, BackupPathRules.Resolve(path, "Output").Error!.Kind);

    [Fact]
    public void A_generated_password_passes_the_password_rules_and_is_new_each_time()
    {
        var first = PasswordGenerator.Generate();
        var errors = new FieldErrors();

        UserInputRules.ValidateNewPassword(first, errors);

        Assert.True(errors.IsEmpty);
        Assert.NotEqual(first, PasswordGenerator.Generate());
    }
}
