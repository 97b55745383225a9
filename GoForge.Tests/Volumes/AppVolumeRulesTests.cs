using GoForge.Core.Common;
using GoForge.Core.Volumes;

namespace GoForge.Tests.Volumes;

/// <summary>The one check of a volume's name, mount path and bind-mount host path (Core, for the UI and the API alike).</summary>
public sealed class AppVolumeRulesTests
{
    private static readonly string[] GoForgeFolders = ["/home/goforge/.goforge", "/srv/goforge/work"];

    [Theory]
    [InlineData("/data", "/data")]
    [InlineData("/var/lib/app/", "/var/lib/app")]
    [InlineData("//srv//uploads//", "/srv/uploads")]
    [InlineData("/app/data-1_2.x@y+z", "/app/data-1_2.x@y+z")]
    [InlineData("/devices", "/devices")]
    [InlineData("/proc2", "/proc2")]
    public void A_mount_path_is_accepted_normalised(string input, string expected)
    {
        var errors = new FieldErrors();

        Assert.Equal(expected, AppVolumeRules.NormalizeMountPath(input, errors));
        Assert.True(errors.IsEmpty);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("//")]
    [InlineData("data")]
    [InlineData("./data")]
    [InlineData("--privileged")]
    [InlineData("-v=/:/host")]
    [InlineData("/data/../etc")]
    [InlineData("/..")]
    [InlineData("/data/./x")]
    [InlineData("/proc")]
    [InlineData("/proc/self")]
    [InlineData("/sys/fs/cgroup")]
    [InlineData("/dev")]
    [InlineData("/dev/shm/")]
    [InlineData("/data; rm -rf /")]
    [InlineData("/data$(reboot)")]
    [InlineData("/data`id`")]
    [InlineData("/data|x")]
    [InlineData("/data&x")]
    [InlineData("/data x")]
    [InlineData("/data'x")]
    [InlineData("/data\"x")]
    [InlineData("/data:/etc")]
    [InlineData("/data,readonly")]
    [InlineData("/data\nx")]
    [InlineData("/data\n")]
    [InlineData("/data\0/x")]
    [InlineData("/dаta")] // Cyrillic а
    [InlineData("/données")]
    [InlineData("/data\u200b")]
    [InlineData("\\data")]
    [InlineData("/data\\..\\etc")]
    public void A_hostile_or_reserved_mount_path_is_refused_with_a_reason(string? input)
    {
        var errors = new FieldErrors();

        Assert.Null(AppVolumeRules.NormalizeMountPath(input, errors));
        Assert.False(errors.IsEmpty);
        Assert.NotEmpty(errors.ToError().FieldErrors[nameof(AppVolumeInput.MountPath)]);
    }

    [Fact]
    public void A_huge_mount_path_is_refused_and_the_longest_allowed_is_accepted()
    {
        var longest = "/" + new string('a', AppVolumeRules.MaxPathLength - 1);
        var errors = new FieldErrors();

        Assert.Equal(longest, AppVolumeRules.NormalizeMountPath(longest, errors));
        Assert.Null(AppVolumeRules.NormalizeMountPath(longest + "a", errors));
        Assert.Null(AppVolumeRules.NormalizeMountPath("/" + new string('a', 1_000_000), errors));
    }

    [Theory]
    [InlineData("data")]
    [InlineData("a")]
    [InlineData("pg-data-2")]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345")]
    public void A_slug_name_is_accepted(string name)
    {
        var errors = new FieldErrors();
        AppVolumeRules.ValidateName(name, errors);
        Assert.True(errors.IsEmpty);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Data")]
    [InlineData("-data")]
    [InlineData("data-")]
    [InlineData("--rm")]
    [InlineData("da ta")]
    [InlineData("data;x")]
    [InlineData("data/x")]
    [InlineData("data\n")]
    [InlineData("dаta")]
    [InlineData("data\0")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456")]
    public void A_name_that_is_not_a_short_slug_is_refused(string? name)
    {
        var errors = new FieldErrors();
        AppVolumeRules.ValidateName(name, errors);
        Assert.False(errors.IsEmpty);
    }

    [Theory]
    [InlineData("/data", "/data")]
    [InlineData("/data", "/data/sub")]
    [InlineData("/data/sub", "/data")]
    public void Equal_or_nested_mount_paths_on_one_application_are_refused(string existing, string added)
    {
        var errors = new FieldErrors();
        AppVolumeRules.CheckNoOverlap(added, [existing], errors);
        Assert.False(errors.IsEmpty);
    }

    [Fact]
    public void Sibling_mount_paths_sharing_a_prefix_are_accepted()
    {
        var errors = new FieldErrors();
        AppVolumeRules.CheckNoOverlap("/data2", ["/data", "/dat"], errors);
        Assert.True(errors.IsEmpty);
    }

    [Theory]
    [InlineData("/srv/app-data", "/srv/app-data")]
    [InlineData("/tmp/x/", "/tmp/x")]
    [InlineData("/var/lib/app", "/var/lib/app")]
    [InlineData("/home/goforge/other", "/home/goforge/other")]
    [InlineData("/etcetera", "/etcetera")]
    public void A_host_path_outside_the_deny_list_is_accepted(string input, string expected)
    {
        var errors = new FieldErrors();
        Assert.Equal(expected, AppVolumeRules.NormalizeHostPath(input, GoForgeFolders, errors));
        Assert.True(errors.IsEmpty);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("relative/path")]
    [InlineData("/srv/../etc")]
    [InlineData("/etc")]
    [InlineData("/etc/ssl")]
    [InlineData("/proc/1/root")]
    [InlineData("/sys")]
    [InlineData("/dev/sda")]
    [InlineData("/boot")]
    [InlineData("/root/.ssh")]
    [InlineData("/run/docker.sock")]
    [InlineData("/var/run/docker.sock")]
    [InlineData("/var/run")]
    [InlineData("/var/lib/docker/volumes/goforge-data/_data")]
    [InlineData("/var/lib/containerd")]
    [InlineData("/usr/bin")]
    [InlineData("/srv/docker.sock")]
    [InlineData("/srv/podman/podman.sock")]
    [InlineData("/home/goforge/.goforge")]
    [InlineData("/home/goforge/.goforge/keys")]
    [InlineData("/home/goforge")]
    [InlineData("/home")]
    [InlineData("/srv/goforge/work/123")]
    [InlineData("/srv/x;reboot")]
    [InlineData("/srv/x y")]
    [InlineData("/srv/x:/etc")]
    [InlineData("/srv/\0")]
    [InlineData("--volume=/:/host")]
    public void A_denied_or_hostile_host_path_is_refused(string input)
    {
        var errors = new FieldErrors();
        Assert.Null(AppVolumeRules.NormalizeHostPath(input, GoForgeFolders, errors));
        Assert.NotEmpty(errors.ToError().FieldErrors[nameof(AppVolumeInput.HostPath)]);
    }
}
