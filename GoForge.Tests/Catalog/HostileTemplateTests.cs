using GoForge.Core.Catalog;
using static GoForge.Tests.Catalog.CatalogSamples;

namespace GoForge.Tests.Catalog;

/// <summary>
/// Templates asking for more than a plain container, or carrying values that could reach somewhere they should not,
/// are refused at load with a message naming the template, the field and the reason.
/// </summary>
public sealed class HostileTemplateTests
{
    [Fact]
    public void The_base_sample_is_valid_so_each_refusal_below_is_caused_by_its_one_change()
    {
        var template = Valid(Base);

        Assert.Equal("sample", template.Id);
        Assert.Equal(8080, template.MainPort.Port);
    }

    [Theory]
    [InlineData("privileged: true", "privileged", "privileged mode")]
    [InlineData("Privileged: true", "Privileged", "privileged mode")]
    [InlineData("cap_add: [SYS_ADMIN]", "cap_add", "capabilities")]
    [InlineData("capAdd: [NET_ADMIN]", "capAdd", "capabilities")]
    [InlineData("devices: [/dev/kvm]", "devices", "host devices")]
    [InlineData("network_mode: host", "network_mode", "network mode")]
    [InlineData("pid: host", "pid", "the host's processes")]
    [InlineData("ipc: host", "ipc", "the host's IPC")]
    [InlineData("security_opt: [seccomp=unconfined]", "security_opt", "security options")]
    [InlineData("sysctls: {net.ipv4.ip_forward: 1}", "sysctls", "kernel parameters")]
    [InlineData("volumes_from: [other]", "volumes_from", "bind mount")]
    [InlineData("binds: [/:/host]", "binds", "bind mount")]
    public void A_key_asking_for_more_than_a_plain_container_is_refused_by_name(string line, string key, string reason)
    {
        var message = Refusal(Base + "\n" + line);

        Assert.Contains($"Template 'sample', {key}: '{key}' asks", message, StringComparison.Ordinal);
        Assert.Contains(reason, message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dangerous_key_nested_in_a_section_is_refused_too()
    {
        var message = Refusal(With("ports", "ports:\n  - name: main\n    port: 8080\n    privileged: true"));

        Assert.Contains("ports[0].privileged: 'privileged' asks for privileged mode", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  - name: data\n    mount_path: /data\n    source: /srv/data")]
    [InlineData("  - name: data\n    mount_path: /data\n    host_path: /srv/data")]
    [InlineData("  - name: data\n    mount_path: /data\n    type: bind")]
    [InlineData("  - name: data\n    mount_path: /data\n    driver_opts: {type: none, o: bind, device: /srv}")]
    [InlineData("  - /srv/data:/data")]
    [InlineData("  - ./data:/data")]
    public void A_bind_mount_or_host_path_is_refused(string volume)
    {
        var message = Refusal(With("volumes", "volumes:\n" + volume));

        Assert.Contains("volumes[0]", message, StringComparison.Ordinal);
        Assert.Contains("bind mount or a host path; volumes are named volumes only", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name: data\n    mount_path: /var/run/docker.sock", "volumes[0].mount_path")]
    [InlineData("name: data\n    mount_path: /run/docker.sock", "volumes[0].mount_path")]
    public void The_docker_socket_as_a_mount_is_refused(string volume, string field)
    {
        var message = Refusal(With("volumes", "volumes:\n  - " + volume));

        Assert.Contains($"{field}: mentions the container engine's socket (docker.sock)", message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_docker_socket_as_a_host_path_volume_is_refused_as_a_bind_mount()
    {
        var message = Refusal(With("volumes", "volumes:\n  - /var/run/docker.sock:/var/run/docker.sock"));

        Assert.Contains("bind mount", message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_docker_socket_in_the_environment_is_refused()
    {
        var message = Refusal(With("environment", "environment:\n  SAMPLE_PASSWORD: \"{{password}}\"\n  ENGINE: unix:///var/run/docker.sock"));

        Assert.Contains("environment.ENGINE: mentions the container engine's socket", message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_engine_address_in_the_environment_is_refused()
    {
        var message = Refusal(With("environment", "environment:\n  SAMPLE_PASSWORD: \"{{password}}\"\n  DOCKER_HOST: tcp://10.0.0.1:2375"));

        Assert.Contains("environment.DOCKER_HOST: would point the container at a container engine", message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_docker_socket_in_the_command_is_refused()
    {
        var message = Refusal(With("command", "command: [sample, --engine, /run/docker.sock]"));

        Assert.Contains("command[2]: mentions the container engine's socket", message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_docker_socket_in_the_health_check_is_refused()
    {
        var message = Refusal(With("health_check", "health_check:\n  exec: [curl, --unix-socket, /var/run/docker.sock, http://x/]"));

        Assert.Contains("health_check.exec[2]: mentions the container engine's socket", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("restart: always", "restart")]
    [InlineData("entrypoint: [sh]", "entrypoint")]
    [InlineData("user: root", "user")]
    [InlineData("labels: {traefik.enable: \"true\"}", "labels")]
    public void An_unknown_key_is_refused_rather_than_ignored(string line, string key)
    {
        var message = Refusal(Base + "\n" + line);

        Assert.Contains($"{key}: '{key}' is not a key here (known: id, name,", message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_key_inside_a_section_is_refused()
    {
        var message = Refusal(With("health_check", "health_check:\n  tcp: 8080\n  test: [CMD, true]"));

        Assert.Contains("health_check.test: 'test' is not a key here (known: exec, tcp, http,", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/data/../etc", "'.' or '..' segment")]
    [InlineData("/data/./x", "'.' or '..' segment")]
    [InlineData("/..", "'.' or '..' segment")]
    [InlineData("data", "is not absolute")]
    [InlineData("./data", "is not absolute")]
    [InlineData("/", "cannot be '/'")]
    [InlineData("/data/", "is not a normalized path")]
    [InlineData("//data", "is not a normalized path")]
    [InlineData("/da ta", "is not a normalized path")]
    [InlineData("/proc/self", "/proc, /sys or /dev")]
    public void A_mount_path_that_is_not_absolute_and_normalized_is_refused(string path, string reason)
    {
        var message = Refusal(With("volumes", $"volumes:\n  - name: data\n    mount_path: \"{path}\""));

        Assert.Contains("volumes[0].mount_path:", message, StringComparison.Ordinal);
        Assert.Contains(reason, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("70000")]
    [InlineData("-1")]
    public void A_port_outside_1_to_65535_is_refused(string port)
    {
        var message = Refusal(With("ports", $"ports:\n  - name: main\n    port: {port}").Replace("tcp: 8080", $"tcp: {port}", StringComparison.Ordinal));

        Assert.Contains($"ports[0].port: {port} is not a port: 1 to 65535.", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_port_listed_twice_is_refused()
    {
        var message = Refusal(With("ports", "ports:\n  - name: main\n    port: 8080\n  - name: other\n    port: 8080"));

        Assert.Contains("ports: 8080 is listed twice.", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_main_ports_are_refused()
    {
        var message = Refusal(With("ports", "ports:\n  - name: main\n    port: 8080\n    main: true\n  - name: other\n    port: 8081\n    main: true"));

        Assert.Contains("marks more than one port as main", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_health_check_or_http_port_the_template_does_not_list_is_refused()
    {
        var message = Refusal(With(With("health_check", "health_check:\n  tcp: 9999"), "http", "http:\n  port: 9998"));

        Assert.Contains("health_check.tcp: 9999 is not one of the template's ports.", message, StringComparison.Ordinal);
        Assert.Contains("http.port: 9998 is not one of the template's ports.", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1BAD")]
    [InlineData("BAD-KEY")]
    [InlineData("BAD KEY")]
    [InlineData("BAD;KEY")]
    [InlineData("ÄKEY")]
    public void A_bad_environment_key_is_refused(string key)
    {
        var message = Refusal(With("environment", $"environment:\n  SAMPLE_PASSWORD: \"{{{{password}}}}\"\n  \"{key}\": x"));

        Assert.Contains($"'{key}' is not a variable name", message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_environment_value_with_a_line_break_is_refused()
    {
        var message = Refusal(With("environment", "environment:\n  SAMPLE_PASSWORD: \"{{password}}\\nX=1\""));

        Assert.Contains("environment.SAMPLE_PASSWORD: has control characters", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{{nope}}", "{{nope}} refers to nothing")]
    [InlineData("{{Password}}", "is not a reference")]
    [InlineData("{{ password }}", "is not a reference")]
    [InlineData("{{password", "opens no reference")]
    [InlineData("{{password:100000}}", "password:100000 is out of bounds: a size is 8 to 128")]
    [InlineData("{{hex:4}}", "hex:4 is out of bounds")]
    [InlineData("{{hex}}", "the hex generator needs a size")]
    [InlineData("{{username:12}}", "the username generator takes no size")]
    [InlineData("{{uuid:12}}", "'uuid' is not a generator")]
    [InlineData("{{domain}}", "known only for templates exposed over HTTP")]
    public void An_unresolvable_reference_is_refused(string value, string reason)
    {
        var message = Refusal(With("environment", $"environment:\n  SAMPLE_PASSWORD: \"{{{{password}}}}\"\n  OTHER: \"{value}\""));

        Assert.Contains("Template 'sample', environment.OTHER:", message, StringComparison.Ordinal);
        Assert.Contains(reason, message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_input_generated_with_an_unbounded_size_is_refused()
    {
        var message = Refusal(With("inputs", "inputs:\n  password:\n    generate: password:100000\n    secret: true"));

        Assert.Contains("inputs.password.generate: password:100000 is out of bounds", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_generator_in_an_output_is_refused_because_nobody_would_know_its_value()
    {
        var message = Refusal(With("outputs", "outputs:\n  url:\n    value: \"http://x:{{password}}@{{host}}:{{password:16}}\"\n    secret: true"));

        Assert.Contains("{{password:16}} would make a value nobody else knows", message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_output_showing_a_secret_input_must_be_secret()
    {
        var message = Refusal(With("outputs", "outputs:\n  url:\n    value: \"http://x:{{password}}@{{host}}\""));

        Assert.Contains("outputs.url: shows the secret input password: mark it secret: true.", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("example/sample latest")]
    [InlineData("example/sample;rm -rf /")]
    [InlineData("-example/sample")]
    [InlineData("example/../sample")]
    [InlineData("Example/Sample")]
    [InlineData("$(curl evil)")]
    [InlineData("")]
    public void An_image_that_is_not_a_repository_reference_is_refused(string image)
    {
        var message = Refusal(With("image", $"image: \"{image}\""));

        Assert.Contains("image:", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres:17")]
    [InlineData("registry.example.com:5000/team/app:1.0")]
    [InlineData("postgres@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void An_image_with_a_tag_or_digest_is_refused_pointing_to_versions(string image)
    {
        var message = Refusal(With("image", $"image: \"{image}\""));

        Assert.Contains("names a tag or digest: write the repository only and list tags under versions", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("docker.io/library/postgres")]
    [InlineData("getmeili/meilisearch")]
    [InlineData("registry.example.com:5000/team/app")]
    [InlineData("localhost/app")]
    [InlineData("quay.io/minio/minio")]
    public void A_repository_reference_is_accepted(string image) => Assert.True(TemplateRules.IsImageRepository(image));

    [Theory]
    [InlineData("$(id)")]
    [InlineData("1.0;rm")]
    [InlineData("-latest")]
    [InlineData(".hidden")]
    [InlineData("1.0 beta")]
    [InlineData("`id`")]
    public void A_tag_that_is_not_an_image_tag_is_refused(string tag)
    {
        var message = Refusal(With("versions", $"versions: [\"1.0\", \"{tag}\"]"));

        Assert.Contains("versions[1]:", message, StringComparison.Ordinal);
        Assert.Contains("is not an image tag", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("command: \"sample --listen 8080\"", "command: must be a list of arguments, never a shell string")]
    [InlineData("command: [sh, -c, \"sample --listen {{password}}\"]", "command: runs a shell command line")]
    [InlineData("command: [/bin/bash, -lc, sample]", "command: runs a shell command line")]
    [InlineData("command: [busybox, sh, -c, sample]", "command: runs a shell command line")]
    public void A_command_is_an_argument_list_and_never_a_shell_line(string line, string reason)
    {
        var message = Refusal(With("command", line));

        Assert.Contains(reason, message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_health_check_running_a_shell_is_refused()
    {
        var message = Refusal(With("health_check", "health_check:\n  exec: [sh, -c, \"curl localhost || exit 1\"]"));

        Assert.Contains("health_check.exec: runs a shell command line", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("interval: 0s", "health_check.interval")]
    [InlineData("interval: 1h", "health_check.interval")]
    [InlineData("timeout: 10m", "health_check.timeout")]
    [InlineData("retries: 1000", "health_check.retries")]
    [InlineData("start_period: 99m", "health_check.start_period")]
    public void Health_check_timings_are_bounded(string line, string field)
    {
        var message = Refusal(With("health_check", $"health_check:\n  tcp: 8080\n  {line}"));

        Assert.Contains($"{field}:", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("id: Sample", "id")]
    [InlineData("id: sample--x", "id")]
    [InlineData("id: \"-sample\"", "id")]
    [InlineData("category: databse", "category")]
    [InlineData("category: Database", "category")]
    [InlineData("name: \"\"", "name")]
    [InlineData("description: \"line\\nbreak\"", "description")]
    [InlineData("icon: \"<script>alert(1)</script>\"", "icon")]
    [InlineData("icon: \"M0 0\\\" onload=\\\"alert(1)\"", "icon")]
    public void Header_fields_are_validated(string line, string field)
    {
        var key = line.Split(':')[0];
        var message = Refusal(With(key, line));

        Assert.Contains($", {field}:", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("inputs:\n  password:\n    generate: password:24\n    default: x\n    secret: true", "needs exactly one of generate or default")]
    [InlineData("inputs:\n  password:\n    secret: true", "needs exactly one of generate or default")]
    [InlineData("inputs:\n  password:\n    generate: password:24\n    secret: true\n  host:\n    default: x", "'host' is reserved")]
    [InlineData("inputs:\n  password:\n    generate: password:24\n    secret: true\n  unused:\n    default: x", "inputs.unused: is never used")]
    [InlineData("inputs:\n  password:\n    default: \"a b\"\n    secret: true", "is not a valid value")]
    [InlineData("inputs:\n  password:\n    default: \"{{host}}\"\n    secret: true", "is not a valid value")]
    [InlineData("inputs:\n  password:\n    generate: uuid\n    secret: true", "'uuid' is not a generator")]
    [InlineData("inputs:\n  password:\n    generate: password:24\n    secret: yes", "'yes' is not true or false")]
    public void Inputs_are_validated(string block, string reason)
    {
        var message = Refusal(With("inputs", block));

        Assert.Contains(reason, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("anchor: &a x\nother: *a", "YAML anchor")]
    [InlineData("id: sample\nid: other", "sets 'id' twice")]
    [InlineData("extra: !!binary aGVsbG8=", "YAML tag")]
    [InlineData("--- \n---\nid: other", "more than one YAML document")]
    [InlineData("extra: [unclosed", "is not valid YAML")]
    [InlineData("environment:\n  A: {{password}}", "quote a value that starts with '{{'")]
    public void Yaml_features_templates_never_need_are_refused(string lines, string reason)
    {
        var message = Refusal(lines.StartsWith("---", StringComparison.Ordinal) ? lines : lines.StartsWith("environment", StringComparison.Ordinal) ? With("environment", lines) : Base + "\n" + lines);

        Assert.Contains("Template file 'sample.yaml'", message, StringComparison.Ordinal);
        Assert.Contains(reason, message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_billion_laughs_file_is_refused_without_expanding_anything()
    {
        var laughs = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
            + string.Join("\n", Enumerable.Range(1, 9).Select(i => $"{(char)('a' + i)}: &{(char)('a' + i)} [*{(char)('a' + i - 1)},*{(char)('a' + i - 1)},*{(char)('a' + i - 1)},*{(char)('a' + i - 1)},*{(char)('a' + i - 1)},*{(char)('a' + i - 1)},*{(char)('a' + i - 1)},*{(char)('a' + i - 1)},*{(char)('a' + i - 1)}]"));

        Assert.Contains("YAML anchor", Refusal(laughs), StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_over_64_KiB_is_refused_before_it_is_parsed()
    {
        var message = Refusal(Base + "\n# " + new string('x', TemplateNode.MaxFileBytes));

        Assert.Contains("a template file has at most 65536", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("- a\n- b")]
    [InlineData("just text")]
    public void A_file_that_is_not_one_mapping_is_refused(string text)
    {
        Assert.Contains("Template file 'sample.yaml': the file must hold one mapping", Refusal(text), StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_file_is_refused()
    {
        Assert.Contains("Template file 'sample.yaml' is empty.", Refusal(string.Empty), StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_is_refused()
    {
        var message = Refusal(Base + "\nx: " + new string('[', 40) + new string(']', 40));

        Assert.Contains("nests deeper than 16 levels", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Value_problems_of_a_template_are_reported_together()
    {
        var message = Refusal(With(With(Base, "image", "image: \"a b\""), "volumes", "volumes:\n  - name: data\n    mount_path: data"));

        Assert.Contains("image:", message, StringComparison.Ordinal);
        Assert.Contains("volumes[0].mount_path:", message, StringComparison.Ordinal);
    }
}
