using System.Text;
using GoForge.Core.Common;
using GoForge.Core.Compose;
using GoForge.Infrastructure.Compose;
using GoForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static GoForge.Tests.Compose.ComposeSamples;

namespace GoForge.Tests.Compose;

/// <summary>
/// The hostile compose suite, files: the loader on a real clone (a temp folder) reads the compose file and its
/// env_files with every link followed and nothing outside the clone; build contexts and Dockerfiles are checked the same
/// way; oversize, special and non-UTF-8 files are refused; a stored snapshot reads again to the same project.
/// </summary>
public sealed class ComposeLoaderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("goforge-compose-").FullName;
    private readonly string _clone;
    private readonly string _outside;

    public ComposeLoaderTests()
    {
        _clone = Directory.CreateDirectory(Path.Combine(_root, "clone")).FullName;
        _outside = Directory.CreateDirectory(Path.Combine(_root, "outside")).FullName;
        File.WriteAllText(Path.Combine(_outside, "secret.env"), "STOLEN=hunter2\n");
        File.WriteAllText(Path.Combine(_outside, "compose.yaml"), "services:\n  web:\n    image: busybox\n");
        File.WriteAllText(Path.Combine(_outside, "Dockerfile"), "FROM scratch\n");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_clones_compose_file_and_env_files_are_read_and_stored_as_the_snapshot()
    {
        Write("deploy/compose.yaml", "services:\n  web:\n    build: ../app\n    env_file: [web.env]\n  worker:\n    image: busybox\n");
        Write("deploy/web.env", "MODE=${MODE:-dev}\n");
        Write("app/Dockerfile", "FROM busybox\n");

        var load = await LoadAsync("deploy/compose.yaml");

        Assert.True(load.IsSuccess, load.Error?.Message);
        Assert.Equal("deploy/compose.yaml", load.Value.Snapshot.ComposePath);
        Assert.Equal(["deploy/compose.yaml", "deploy/web.env"], load.Value.Snapshot.Files.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("dev", load.Value.Project.Find("web")!.Environment["MODE"]);
        Assert.Equal(new ComposeBuild("app", "Dockerfile", load.Value.Project.Find("web")!.Build!.Args, null), load.Value.Project.Find("web")!.Build);

        var again = Loader.Read(load.Value.Snapshot, [Variable("MODE", "production")], allowBindMounts: false);
        Assert.True(again.IsSuccess, again.Error?.Message);
        Assert.Equal("production", again.Value.Find("web")!.Environment["MODE"]);
        Assert.Equal(load.Value.Project.Services.Select(s => s.Name), again.Value.Services.Select(s => s.Name));
    }

    [Theory]
    [InlineData("../outside/compose.yaml")]
    [InlineData("/etc/passwd")]
    [InlineData("deploy/../../compose.yaml")]
    [InlineData("deploy\\compose.yaml")]
    [InlineData("")]
    public async Task A_compose_path_that_is_not_inside_the_repository_is_refused(string path)
    {
        var load = await LoadAsync(path);

        Assert.False(load.IsSuccess);
        Assert.Contains("not a path inside the repository", load.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_compose_file_linked_out_of_the_clone_is_refused_without_reading_it()
    {
        Link("compose.yaml", Path.Combine(_outside, "compose.yaml"));

        var message = await RefusedAsync("compose.yaml");

        Assert.Contains("leaves the repository", message, StringComparison.Ordinal);
        Assert.DoesNotContain(_outside, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_compose_file_is_named()
    {
        Assert.Contains("'compose.yaml' does not exist", await RefusedAsync("compose.yaml"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("link.env")]
    [InlineData("config/secret.env")]
    [InlineData("up/outside/secret.env")]
    public async Task An_env_file_linked_out_of_the_clone_is_refused_with_its_key_and_line(string envFile)
    {
        Link("link.env", Path.Combine(_outside, "secret.env"));
        Link("config", _outside);
        Link("up", "..");
        Write("compose.yaml", $"services:\n  web:\n    image: busybox\n    env_file:\n      - {envFile}\n");

        var message = await RefusedAsync("compose.yaml");

        Assert.Contains("services.web.env_file[0] (line 5):", message, StringComparison.Ordinal);
        Assert.Contains("leaves the repository", message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_env_file_that_is_a_fifo_is_refused_without_blocking()
    {
        Fifos.Make(Path.Combine(_clone, "pipe.env"));
        Write("compose.yaml", "services:\n  web:\n    image: busybox\n    env_file: pipe.env\n");

        var message = await RefusedAsync("compose.yaml");

        Assert.Contains("services.web.env_file (line 4):", message, StringComparison.Ordinal);
        Assert.Contains("not a regular file", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_optional_env_file_that_is_missing_is_skipped()
    {
        Write("compose.yaml", "services:\n  web:\n    image: busybox\n    env_file:\n      - path: local.env\n        required: false\n");

        var load = await LoadAsync("compose.yaml");

        Assert.True(load.IsSuccess, load.Error?.Message);
        Assert.Equal(["compose.yaml"], load.Value.Snapshot.Files.Keys);
    }

    [Theory]
    [InlineData("ctx", "The build context 'ctx' leaves the repository")]
    [InlineData("app/up", "The build context 'app/up' leaves the repository")]
    [InlineData("missing", "The build context 'missing' does not exist")]
    [InlineData("app/Dockerfile", "The build context 'app/Dockerfile' is not a folder")]
    public async Task A_build_context_that_is_not_a_folder_of_the_clone_is_refused_with_its_line(string context, string reason)
    {
        Write("app/Dockerfile", "FROM busybox\n");
        Link("ctx", _outside);
        Link("app/up", "../..");
        Write("compose.yaml", $"services:\n  web:\n    image: busybox\n  api:\n    build:\n      context: {context}\n");

        var message = await RefusedAsync("compose.yaml");

        Assert.Contains("services.api.build (line 5):", message, StringComparison.Ordinal);
        Assert.Contains(reason, message, StringComparison.Ordinal);
        Assert.DoesNotContain(_outside, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("evil", "leaves the repository")]
    [InlineData("sibling", "inside the build context")]
    [InlineData("nothing", "does not exist")]
    public async Task A_dockerfile_linked_out_of_the_clone_or_its_context_is_refused(string dockerfile, string reason)
    {
        Write("app/main.go", "package main\n");
        Write("other/Dockerfile", "FROM busybox\n");
        Link("app/evil", Path.Combine(_outside, "Dockerfile"));
        Link("app/sibling", "../other/Dockerfile");
        Write("compose.yaml", $"services:\n  web:\n    build:\n      context: app\n      dockerfile: {dockerfile}\n");

        var message = await RefusedAsync("compose.yaml");

        Assert.Contains("services.web.build (line 3):", message, StringComparison.Ordinal);
        Assert.Contains(reason, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_huge_compose_file_on_disk_is_refused_before_it_is_read()
    {
        using (var file = File.Create(Path.Combine(_clone, "compose.yaml")))
        {
            file.SetLength(64L * 1024 * 1024);
        }

        var message = await RefusedAsync("compose.yaml");

        Assert.Contains($"has at most {ComposeNode.MaxFileBytes}", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_huge_env_file_is_refused_with_its_key_and_line()
    {
        Write("compose.yaml", "services:\n  web:\n    image: busybox\n    env_file: big.env\n");
        File.WriteAllText(Path.Combine(_clone, "big.env"), "A=" + new string('x', ComposeNode.MaxFileBytes) + "\n");

        var message = await RefusedAsync("compose.yaml");

        Assert.Contains("services.web.env_file (line 4):", message, StringComparison.Ordinal);
        Assert.Contains($"has at most {ComposeNode.MaxFileBytes}", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_compose_file_that_is_not_utf8_is_refused()
    {
        File.WriteAllBytes(Path.Combine(_clone, "compose.yaml"), [.. Encoding.ASCII.GetBytes("services:\n  web:\n    image: busybox\n    environment: {A: \""), 0xC3, 0x28, .. Encoding.ASCII.GetBytes("\"}\n")]);

        Assert.Contains("not UTF-8", await RefusedAsync("compose.yaml"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stored_snapshot_is_checked_as_strictly_as_a_clone()
    {
        var snapshot = new ComposeSnapshot("compose.yaml", new Dictionary<string, string> { ["compose.yaml"] = "services:\n  web:\n    image: busybox\n    privileged: true\n" });

        var result = Loader.Read(snapshot, [], allowBindMounts: false);

        Assert.False(result.IsSuccess);
        Assert.Contains("services.web.privileged (line 4):", result.Error.Message, StringComparison.Ordinal);
        Assert.False(Loader.Read(new ComposeSnapshot("compose.yaml", new Dictionary<string, string>()), [], false).IsSuccess);
    }

    [Fact]
    public void The_loader_resolves_from_its_registration_with_every_part()
    {
        var services = new ServiceCollection().AddLogging().AddOptions().AddComposeReading();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.IsType<ComposeLoader>(provider.GetRequiredService<IComposeLoader>());
    }

    private Task<Result<ComposeLoad>> LoadAsync(string composePath) =>
        Loader.LoadAsync(_clone, composePath, [], allowBindMounts: false);

    private async Task<string> RefusedAsync(string composePath)
    {
        var load = await LoadAsync(composePath);
        Assert.False(load.IsSuccess, "The compose file was accepted.");
        return load.Error.Message;
    }

    private void Write(string relative, string content)
    {
        var full = Path.Combine(_clone, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    private void Link(string relative, string target)
    {
        var full = Path.Combine(_clone, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.CreateSymbolicLink(full, target);
    }
}
