using System.Formats.Tar;
using GoForge.Core.Containers;
using GoForge.Infrastructure.Docker;
using GoForge.Tests.Support;

namespace GoForge.Tests.Docker;

/// <summary>
/// The build's inputs on real folders: a clone (a temp folder) with links out of it, special files and oversize files.
/// Nothing here needs the engine: the checks run before anything is sent to it.
/// </summary>
public sealed class BuildContextArchiveTests : IDisposable
{
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(10);
    private readonly string _clone = Directory.CreateTempSubdirectory("goforge-clone-").FullName;

    public void Dispose() => Directory.Delete(_clone, recursive: true);

    [Fact]
    public async Task A_context_linked_to_etc_fails_naming_the_context_and_shows_nothing_of_the_target()
    {
        Link("ctx", "/etc");

        var error = await RefusedAsync(Request("ctx", "passwd"));

        Assert.Contains("The build context 'ctx' leaves the repository", error, StringComparison.Ordinal);
        Assert.DoesNotContain("/etc", error, StringComparison.Ordinal);
        Assert.DoesNotContain("root", error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_context_linked_to_the_host_root_fails_before_anything_is_archived()
    {
        Link("ctx", "/");

        var error = await RefusedAsync(Request("ctx", "Dockerfile"));

        Assert.Contains("The build context 'ctx' leaves the repository", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_context_that_climbs_out_through_a_relative_link_fails()
    {
        Directory.CreateDirectory(Path.Combine(_clone, "app"));
        Link("app/up", "../..");

        var error = await RefusedAsync(Request("app/up", "Dockerfile"));

        Assert.Contains("The build context 'app/up' leaves the repository", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Dockerfile_linked_outside_the_repository_fails_naming_the_Dockerfile()
    {
        Write("Dockerfile", "FROM scratch\n");
        Link("evil", "/etc/passwd");

        var error = await RefusedAsync(Request(".", "evil"));

        Assert.Contains("The Dockerfile 'evil' leaves the repository", error, StringComparison.Ordinal);
        Assert.DoesNotContain("root", error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_Dockerfile_behind_a_folder_linked_outside_fails_at_that_folder()
    {
        Directory.CreateDirectory(Path.Combine(_clone, "ctx"));
        Link("ctx/deploy", "/etc");

        var error = await RefusedAsync(Request("ctx", "deploy/passwd"));

        Assert.Contains("The Dockerfile 'ctx/deploy/passwd' leaves the repository", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dockerignore_linked_to_dev_zero_fails_at_once_without_being_read()
    {
        Write("Dockerfile", "FROM scratch\n");
        Link(".dockerignore", "/dev/zero");

        var refused = RefusedAsync(Request(".", "Dockerfile"));

        Assert.True(await Task.WhenAny(refused, Task.Delay(Quickly)) == refused, ".dockerignore -> /dev/zero was still being read");
        Assert.Contains("The file '.dockerignore' leaves the repository", await refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dockerignore_that_is_a_fifo_fails_without_being_opened()
    {
        Write("Dockerfile", "FROM scratch\n");
        MakeFifo(".dockerignore");

        // Opening a FIFO for reading blocks until a writer comes: the check must not open it.
        var refused = RefusedAsync(Request(".", "Dockerfile"));

        Assert.True(await Task.WhenAny(refused, Task.Delay(Quickly)) == refused, "the FIFO .dockerignore was opened");
        Assert.Contains("The file '.dockerignore' is not a regular file", await refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dockerignore_over_its_cap_fails_naming_the_setting()
    {
        Write("Dockerfile", "FROM scratch\n");
        Write(".dockerignore", new string('x', 2048));

        var error = await RefusedAsync(Request(".", "Dockerfile"), new BuildContextOptions { MaxDockerIgnoreBytes = 1024 });

        Assert.Contains("The file '.dockerignore' is larger than 1 KiB (GoForge:BuildContext:MaxDockerIgnoreBytes)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Dockerfile_over_its_cap_fails_naming_the_setting()
    {
        Write("Dockerfile", "FROM scratch\n" + new string('#', 4096));

        var error = await RefusedAsync(Request(".", "Dockerfile"), new BuildContextOptions { MaxDockerfileBytes = 1024 });

        Assert.Contains("The Dockerfile 'Dockerfile' is larger than 1 KiB (GoForge:BuildContext:MaxDockerfileBytes)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_context_over_its_cap_fails_naming_the_setting_and_an_ignored_file_does_not_count()
    {
        Write("Dockerfile", "FROM scratch\n");
        Write("big.bin", new string('b', 3000));
        var limits = new BuildContextOptions { MaxContextBytes = 2048 };

        var error = await ArchiveRefusedAsync(Request(".", "Dockerfile"), limits);
        Write(".dockerignore", "big.bin\n");
        await using var archive = await ArchiveAsync(Request(".", "Dockerfile"), limits);

        Assert.Contains("The build context is larger than 2 KiB (GoForge:BuildContext:MaxContextBytes)", error, StringComparison.Ordinal);
        Assert.DoesNotContain("big.bin", Entries(archive).Keys);
    }

    [Fact]
    public async Task A_fifo_in_the_context_fails_without_being_opened_and_an_ignored_one_is_left_out()
    {
        Write("Dockerfile", "FROM scratch\n");
        Directory.CreateDirectory(Path.Combine(_clone, "run"));
        MakeFifo("run/pipe");

        var refused = ArchiveRefusedAsync(Request(".", "Dockerfile"), new BuildContextOptions());
        Assert.True(await Task.WhenAny(refused, Task.Delay(Quickly)) == refused, "the FIFO was opened");
        Write(".dockerignore", "run/pipe\n");
        await using var archive = await ArchiveAsync(Request(".", "Dockerfile"), new BuildContextOptions());

        Assert.Contains("The build context holds 'run/pipe', a FIFO, device or socket", await refused, StringComparison.Ordinal);
        Assert.DoesNotContain("run/pipe", Entries(archive).Keys);
    }

    [Fact]
    public async Task Links_in_the_context_are_sent_as_links_and_never_followed()
    {
        Write("Dockerfile", "FROM scratch\n");
        Write("real.txt", "inside");
        Link("passwd", "/etc/passwd");
        Link("host", "/");
        Link("zero", "/dev/zero");
        Link("inside", "real.txt");

        await using var archive = await ArchiveAsync(Request(".", "Dockerfile"), new BuildContextOptions());
        var entries = Entries(archive);

        Assert.Equal((TarEntryType.SymbolicLink, "/etc/passwd", 0L), entries["passwd"]);
        Assert.Equal((TarEntryType.SymbolicLink, "/", 0L), entries["host"]);
        Assert.Equal((TarEntryType.SymbolicLink, "/dev/zero", 0L), entries["zero"]);
        Assert.Equal((TarEntryType.SymbolicLink, "real.txt", 0L), entries["inside"]);
        Assert.Equal((TarEntryType.RegularFile, "", 6L), entries["real.txt"]);
        Assert.DoesNotContain(entries.Keys, name => name.StartsWith("host/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Links_that_stay_in_the_repository_are_followed_for_the_context_Dockerfile_and_dockerignore()
    {
        Write("src/app/Dockerfile.prod", "FROM scratch\n");
        Write("src/app/main.txt", "main");
        Write("shared/ignore", "main.txt\n");
        Link("ctx", "src/app");
        Link("src/app/Dockerfile", "Dockerfile.prod");
        Link("src/app/.dockerignore", Path.Combine(_clone, "shared", "ignore"));

        var inputs = await BuildInputs.ResolveAsync(Request("ctx", "Dockerfile"), new BuildContextOptions(), CancellationToken.None);
        await using var archive = await BuildContextArchive.CreateAsync(inputs, new BuildContextOptions().MaxContextBytes, CancellationToken.None);

        Assert.Equal("Dockerfile.prod", inputs.Dockerfile);
        Assert.Equal("main.txt\n", inputs.DockerIgnore);
        Assert.DoesNotContain("main.txt", Entries(archive).Keys);
    }

    [Fact]
    public async Task A_link_loop_fails_as_too_many_links()
    {
        Link("a", "b");
        Link("b", "a");

        var error = await RefusedAsync(Request("a", "Dockerfile"));

        Assert.Contains("The build context 'a' cannot be resolved: more than 40 links", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Dockerfile_elsewhere_in_the_repository_but_outside_the_context_fails()
    {
        Write("Dockerfile", "FROM scratch\n");
        Directory.CreateDirectory(Path.Combine(_clone, "ctx"));
        Link("ctx/Dockerfile", "../Dockerfile");

        var error = await RefusedAsync(Request("ctx", "Dockerfile"));

        Assert.Contains("The Dockerfile 'ctx/Dockerfile' must name a file inside the build context 'ctx'", error, StringComparison.Ordinal);
    }

    private ImageBuildRequest Request(string context, string dockerfile) =>
        new(Path.Combine(_clone, context), dockerfile, "unused:tag", new Dictionary<string, string>(), new Dictionary<string, string>()) { RepositoryRoot = _clone };

    private static async Task<string> RefusedAsync(ImageBuildRequest request, BuildContextOptions? limits = null) =>
        (await Assert.ThrowsAsync<EngineException>(() => BuildInputs.ResolveAsync(request, limits ?? new BuildContextOptions(), CancellationToken.None))).Message;

    private static async Task<string> ArchiveRefusedAsync(ImageBuildRequest request, BuildContextOptions limits) =>
        (await Assert.ThrowsAsync<EngineException>(() => ArchiveAsync(request, limits))).Message;

    private static async Task<FileStream> ArchiveAsync(ImageBuildRequest request, BuildContextOptions limits)
    {
        var inputs = await BuildInputs.ResolveAsync(request, limits, CancellationToken.None);
        return await BuildContextArchive.CreateAsync(inputs, limits.MaxContextBytes, CancellationToken.None);
    }

    private static Dictionary<string, (TarEntryType Type, string LinkName, long Length)> Entries(Stream archive)
    {
        var entries = new Dictionary<string, (TarEntryType, string, long)>(StringComparer.Ordinal);
        using var reader = new TarReader(archive, leaveOpen: true);
        while (reader.GetNextEntry() is { } entry)
        {
            entries[entry.Name.TrimEnd('/')] = (entry.EntryType, entry.LinkName, entry.Length);
        }

        return entries;
    }

    private void Write(string relative, string content)
    {
        var full = Path.Combine(_clone, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    private void Link(string relative, string target) => File.CreateSymbolicLink(Path.Combine(_clone, relative), target);

    private void MakeFifo(string relative) => Fifos.Make(Path.Combine(_clone, relative));
}
