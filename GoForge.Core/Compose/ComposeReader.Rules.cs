namespace GoForge.Core.Compose;

/// <summary>The reasons for the keys GoForge refuses by name; any other key it does not read is refused as unknown.</summary>
public sealed partial class ComposeReader
{
    private const string HostNamespace = "asks to share a host namespace; GoForge runs every service in its own.";
    private const string Networking = "asks for its own networking; GoForge puts every service on the environment's network, with its name as its DNS name.";
    private const string NoDevices = "asks for host devices; compose services get none.";

    private static readonly Dictionary<string, string> ServiceRefused = new(StringComparer.Ordinal)
    {
        ["privileged"] = "asks for privileged mode (every capability and the host's devices); GoForge never runs a service privileged.",
        ["cap_add"] = "asks for extra Linux capabilities; services run with the engine's default set.",
        ["devices"] = NoDevices,
        ["device_cgroup_rules"] = NoDevices,
        ["gpus"] = NoDevices,
        ["pid"] = HostNamespace,
        ["ipc"] = HostNamespace,
        ["uts"] = HostNamespace,
        ["cgroup"] = HostNamespace,
        ["cgroup_parent"] = "asks for a cgroup of the host's; GoForge places every container itself.",
        ["userns_mode"] = HostNamespace,
        ["network_mode"] = Networking,
        ["networks"] = Networking,
        ["links"] = Networking,
        ["external_links"] = Networking,
        ["extra_hosts"] = Networking,
        ["dns"] = Networking,
        ["hostname"] = Networking,
        ["mac_address"] = Networking,
        ["security_opt"] = "asks to change security options (seccomp, AppArmor, SELinux); services keep the engine's defaults.",
        ["sysctls"] = "asks to change kernel parameters; services keep the engine's defaults.",
        ["ports"] = "publishes ports on the host; GoForge's proxy routes to services instead. Set a domain on the service (and 'expose' its port) in the application's settings.",
        ["extends"] = "is not supported: write the service out in full (GoForge reads one file and nothing outside it).",
        ["volumes_from"] = "mounts another container's volumes; name the volumes instead.",
        ["container_name"] = "names the container; GoForge names containers itself (one per deployment and service).",
        ["tmpfs"] = "is not supported: use a named volume.",
        ["secrets"] = "is not supported: use the application's secret variables.",
        ["configs"] = "is not supported: use the application's variables or a file in the image.",
        ["profiles"] = "is not supported: every service of the file is deployed.",
        ["scale"] = "is not supported: GoForge runs one container per service.",
        ["init"] = "is not supported.",
        ["platform"] = "is not supported: GoForge builds and pulls for the engine's own platform.",
        ["pull_policy"] = "is not supported: GoForge pulls every image service on each deployment and builds every build service.",
    };

    private static readonly Dictionary<string, string> TopRefused = new(StringComparer.Ordinal)
    {
        ["include"] = "is not supported: GoForge reads one compose file and nothing outside it; write the services out in this file.",
        ["networks"] = Networking,
        ["secrets"] = "is not supported: use the application's secret variables.",
        ["configs"] = "is not supported: use the application's variables or a file in the image.",
    };

    private static readonly Dictionary<string, string> VolumeRefused = new(StringComparer.Ordinal)
    {
        ["driver"] = "asks for a volume driver; GoForge creates local named volumes only (a driver can mount a host path or a remote share).",
        ["driver_opts"] = "asks for driver options (such as 'o: bind' and 'device: /host/path', a bind mount in disguise); GoForge creates plain named volumes.",
        ["external"] = "asks for a volume made outside GoForge; a compose application's volumes are its own, created and named by GoForge.",
        ["name"] = "names the engine's volume; GoForge names each application's volumes itself.",
    };

    private static readonly Dictionary<string, string> NoReasons = new(StringComparer.Ordinal);

    private const string BindMountRefused = "is a bind mount (a host path); compose applications use named volumes only, unless an administrator allows host folders for this application.";

    private const string DockerSocket = "mounts the Docker socket, which is root on the host; GoForge never mounts it.";
}
