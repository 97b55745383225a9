using GoForge.Core.Compose;
using static GoForge.Tests.Compose.ComposeSamples;

namespace GoForge.Tests.Compose;

/// <summary>
/// The hostile compose suite, keys: every key GoForge refuses is refused with a message that names the key and its line,
/// and nothing of a refused file reaches the model. (The web service starts on line 2; its fourth line is line 4.)
/// </summary>
public sealed class ComposeRefusalTests
{
    [Theory]
    [InlineData("privileged: true", "privileged", "privileged")]
    [InlineData("cap_add: [SYS_ADMIN]", "cap_add", "capabilities")]
    [InlineData("devices: [\"/dev/sda:/dev/sda\"]", "devices", "devices")]
    [InlineData("device_cgroup_rules: [\"c 1:3 mr\"]", "device_cgroup_rules", "devices")]
    [InlineData("gpus: all", "gpus", "devices")]
    [InlineData("pid: host", "pid", "host namespace")]
    [InlineData("ipc: host", "ipc", "host namespace")]
    [InlineData("uts: host", "uts", "host namespace")]
    [InlineData("userns_mode: host", "userns_mode", "host namespace")]
    [InlineData("cgroup: host", "cgroup", "host namespace")]
    [InlineData("cgroup_parent: /system.slice", "cgroup_parent", "cgroup")]
    [InlineData("network_mode: host", "network_mode", "networking")]
    [InlineData("network_mode: \"service:db\"", "network_mode", "networking")]
    [InlineData("networks: [front]", "networks", "networking")]
    [InlineData("extra_hosts: [\"metadata:169.254.169.254\"]", "extra_hosts", "networking")]
    [InlineData("dns: 1.1.1.1", "dns", "networking")]
    [InlineData("security_opt: [\"seccomp:unconfined\"]", "security_opt", "security options")]
    [InlineData("security_opt: [\"apparmor:unconfined\"]", "security_opt", "security options")]
    [InlineData("sysctls: {net.ipv4.ip_forward: 1}", "sysctls", "kernel parameters")]
    [InlineData("ports: [\"80:80\"]", "ports", "Set a domain")]
    [InlineData("ports: [\"127.0.0.1:2375:2375\"]", "ports", "Set a domain")]
    [InlineData("extends: {file: ../other/compose.yaml, service: web}", "extends", "not supported")]
    [InlineData("extends: {file: /etc/compose.yaml, service: web}", "extends", "not supported")]
    [InlineData("extends: {service: base}", "extends", "not supported")]
    [InlineData("volumes_from: [db]", "volumes_from", "name the volumes")]
    [InlineData("container_name: goforge-panel", "container_name", "names containers itself")]
    [InlineData("tmpfs: /run", "tmpfs", "not supported")]
    [InlineData("secrets: [key]", "secrets", "not supported")]
    [InlineData("configs: [conf]", "configs", "not supported")]
    [InlineData("profiles: [debug]", "profiles", "not supported")]
    [InlineData("platform: linux/arm64", "platform", "not supported")]
    [InlineData("pull_policy: never", "pull_policy", "not supported")]
    [InlineData("runtime: runsc", "runtime", "not a key GoForge reads")]
    [InlineData("oom_kill_disable: true", "oom_kill_disable", "not a key GoForge reads")]
    [InlineData("mem_limit: 1g", "mem_limit", "not a key GoForge reads")]
    [InlineData("stdin_open: true", "stdin_open", "not a key GoForge reads")]
    [InlineData("x-private: 1", "x-private", "not a key GoForge reads")]
    public void A_refused_service_key_is_named_with_its_line(string line, string key, string reason)
    {
        var message = Refusal(WebService(line));

        Assert.Contains($"services.web.{key} (line 4):", message, StringComparison.Ordinal);
        Assert.Contains(reason, message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("include:\n  - other.yaml\n", "include", 4, "one compose file")]
    [InlineData("include:\n  - path: ../../etc/compose.yaml\n", "include", 4, "one compose file")]
    [InlineData("networks:\n  default:\n    driver: host\n", "networks", 4, "networking")]
    [InlineData("secrets:\n  key:\n    file: /etc/shadow\n", "secrets", 4, "not supported")]
    [InlineData("configs:\n  conf:\n    file: ./conf\n", "configs", 4, "not supported")]
    [InlineData("services2:\n  x: 1\n", "services2", 4, "not a key GoForge reads")]
    public void A_refused_top_level_key_is_named_with_its_line(string tail, string key, int line, string reason)
    {
        var message = Refusal(WebService(tail: tail));

        Assert.Contains($"{key} (line {line}):", message, StringComparison.Ordinal);
        Assert.Contains(reason, message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("driver: local\n    driver_opts: {type: none, o: bind, device: /etc}", "driver")]
    [InlineData("driver_opts:\n        type: none\n        o: bind\n        device: /var/run", "driver_opts")]
    [InlineData("external: true", "external")]
    [InlineData("name: goforge-keys", "name")]
    [InlineData("labels: {a: b}", "labels")]
    public void A_named_volume_with_a_driver_or_an_outside_name_is_refused(string settings, string key)
    {
        var message = Refusal(WebService("volumes: [\"data:/data\"]", tail: $"volumes:\n  data:\n    {settings}\n"));

        Assert.Contains($"volumes.data.{key} (line 7):", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("- /etc:/host-etc")]
    [InlineData("- ./data:/data")]
    [InlineData("- ../outside:/data")]
    [InlineData("- ~/secrets:/data")]
    [InlineData("- {type: bind, source: /srv, target: /srv}")]
    public void A_bind_mount_is_refused_unless_the_application_allows_host_folders(string mount)
    {
        var message = Refusal(WebService($"volumes:\n  {mount}"));

        Assert.Contains("services.web.volumes[0] (line 5):", message, StringComparison.Ordinal);
        Assert.Contains("bind mount", message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_allowed_bind_mount_reads_the_host_folder_but_never_the_panels_own()
    {
        var project = Valid(WebService("volumes:\n  - /srv/media:/media:ro"), allowBindMounts: true);
        Assert.Equal([new ComposeMount("/srv/media", "/media", ReadOnly: true, Bind: true)], project.Services[0].Volumes);

        Assert.Contains("services.web.volumes[0] (line 5):", Refusal(WebService($"volumes:\n  - {ProtectedFolder}/keys:/keys"), allowBindMounts: true), StringComparison.Ordinal);
        Assert.Contains("services.web.volumes[0] (line 5):", Refusal(WebService("volumes:\n  - /:/host"), allowBindMounts: true), StringComparison.Ordinal);
        Assert.Contains("services.web.volumes[0] (line 5):", Refusal(WebService("volumes:\n  - /srv:/srv"), allowBindMounts: true), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("- /var/run/docker.sock:/var/run/docker.sock", false)]
    [InlineData("- /var/run/docker.sock:/var/run/docker.sock", true)]
    [InlineData("- /run/docker.sock:/tmp/d.sock:ro", true)]
    [InlineData("- {type: bind, source: /var/run/docker.sock, target: /docker.sock}", true)]
    [InlineData("- /var/run:/host-run", true)]
    [InlineData("- /run:/host-run", true)]
    [InlineData("- /var/lib/docker:/engine", true)]
    public void The_docker_socket_is_refused_even_where_host_folders_are_allowed(string mount, bool allowBindMounts)
    {
        var message = Refusal(WebService($"volumes:\n  {mount}"), allowBindMounts: allowBindMounts);

        Assert.Contains("services.web.volumes[0] (line 5):", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("- data", "anonymous volume")]
    [InlineData("- /data", "anonymous volume")]
    [InlineData("- undeclared:/data", "does not declare")]
    [InlineData("- data:/data:z", "not a mount mode")]
    [InlineData("- {type: tmpfs, target: /tmp}", "not supported")]
    [InlineData("- {type: npipe, source: x, target: /x}", "not supported")]
    [InlineData("- {type: volume, source: data, target: /data, bind: {propagation: shared}}", "not a key GoForge reads")]
    [InlineData("- {type: volume, source: data, target: /data, volume: {subpath: ../..}}", "not a key GoForge reads")]
    public void Only_declared_named_volumes_mount(string mount, string reason)
    {
        var message = Refusal(WebService($"volumes:\n  {mount}", tail: "volumes:\n  data:\n"));

        Assert.Contains("services.web.volumes[0]", message, StringComparison.Ordinal);
        Assert.Contains("(line 5):", message, StringComparison.Ordinal);
        Assert.Contains(reason, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("goforge.app: other")]
    [InlineData("goforge.managed: \"true\"")]
    [InlineData("traefik.http.routers.x.rule: Host(`bank.example`)")]
    [InlineData("caddy: bank.example")]
    [InlineData("caddy.reverse_proxy: \"{{upstreams 80}}\"")]
    public void A_label_in_goforges_or_a_proxys_namespace_is_refused(string label)
    {
        var message = Refusal(WebService($"labels:\n  com.example.team: shop\n  {label}"));

        Assert.Contains("(line 6):", message, StringComparison.Ordinal);
        Assert.Contains("reserved for GoForge or a proxy", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dockerfile_inline: \"FROM alpine\"", "dockerfile_inline")]
    [InlineData("network: host", "network")]
    [InlineData("privileged: true", "privileged")]
    [InlineData("ssh: [default]", "ssh")]
    [InlineData("secrets: [key]", "secrets")]
    [InlineData("additional_contexts: {src: ../..}", "additional_contexts")]
    [InlineData("entitlements: [network.host]", "entitlements")]
    [InlineData("cache_from: [type=local,src=/]", "cache_from")]
    public void A_refused_build_key_is_named_with_its_line(string setting, string key)
    {
        var message = Refusal($"services:\n  web:\n    build:\n      context: .\n      {setting}\n");

        Assert.Contains($"services.web.build.{key} (line 5):", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_of_a_file_is_reported_not_only_the_first()
    {
        var message = Refusal(WebService("privileged: true\ncap_add: [ALL]\nports: [\"80:80\"]"));

        Assert.Contains("services.web.privileged (line 4):", message, StringComparison.Ordinal);
        Assert.Contains("services.web.cap_add (line 5):", message, StringComparison.Ordinal);
        Assert.Contains("services.web.ports (line 6):", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refusal_is_keyed_by_the_keys_path_for_the_form()
    {
        var result = Read(WebService("privileged: true"));

        Assert.False(result.IsSuccess);
        Assert.Equal(["services.web.privileged"], result.Error.FieldErrors.Keys);
    }

    [Theory]
    [InlineData("Web", "not a service name")]
    [InlineData("-rm", "not a service name")]
    [InlineData("--privileged", "not a service name")]
    [InlineData("_hidden", "not a service name")]
    [InlineData("wéb", "not a service name")]
    [InlineData("web\u200b", "not a service name")]
    [InlineData("wеb", "not a service name")] // Cyrillic 'е'
    [InlineData("a b", "not a service name")]
    [InlineData("web.internal", "not a service name")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234", "not a service name")]
    public void A_service_name_that_is_not_a_plain_dns_label_is_refused(string name, string reason)
    {
        var message = Refusal($"services:\n  \"{name}\":\n    image: busybox\n");

        Assert.Contains("(line 2):", message, StringComparison.Ordinal);
        Assert.Contains(reason, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("image: \"--privileged\"", "services.web.image")]
    [InlineData("image: \"busybox\\n--privileged\"", "services.web.image")]
    [InlineData("working_dir: relative/path", "services.web.working_dir")]
    [InlineData("user: \"root; rm -rf /\"", "services.web.user")]
    [InlineData("restart: on-failure:5", "services.web.restart")]
    [InlineData("expose: [\"8000-8010\"]", "services.web.expose[0]")]
    [InlineData("expose: [\"53/udp\"]", "services.web.expose[0]")]
    [InlineData("stop_grace_period: forever", "services.web.stop_grace_period")]
    [InlineData("environment: [\"A B=1\"]", "services.web.environment[0]")]
    [InlineData("command: \"sh -c 'unterminated\"", "services.web.command")]
    public void A_value_that_is_not_what_its_key_holds_is_refused_with_its_line(string setting, string key)
    {
        var message = Refusal($"services:\n  web:\n    {setting}\n" + (setting.StartsWith("image", StringComparison.Ordinal) ? "" : "    image: busybox\n"));

        Assert.Contains($"{key} (line 3):", message, StringComparison.Ordinal);
    }
}
