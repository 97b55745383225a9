using GoForge.Core.Compose;
using GoForge.Core.Projects;
using static GoForge.Tests.Compose.ComposeSamples;

namespace GoForge.Tests.Compose;

/// <summary>Every key GoForge reads in a compose file, read into the checked model; and the start order.</summary>
public sealed class ComposeReaderTests
{
    [Fact]
    public void A_full_two_service_file_is_read_into_the_model()
    {
        var project = Valid("""
            name: shop
            version: "3.9"
            x-common:
              note: ignored
            services:
              web:
                build:
                  context: ./web
                  dockerfile: docker/Dockerfile.prod
                  args:
                    VERSION: "1.2"
                  target: runtime
                environment:
                  MODE: production
                  EMPTY: ""
                command: ["serve", "--port", "8080"]
                entrypoint: /bin/tini -- "run me"
                healthcheck:
                  test: ["CMD", "wget", "-q", "-O-", "http://localhost:8080/health"]
                  interval: 10s
                  timeout: 2s
                  retries: 5
                  start_period: 1m30s
                depends_on:
                  worker:
                    condition: service_healthy
                restart: unless-stopped
                volumes:
                  - data:/var/lib/web:ro
                deploy:
                  resources:
                    limits:
                      cpus: "0.5"
                      memory: 512m
                      pids: 100
                labels:
                  com.example.team: shop
                expose:
                  - 8080
                  - "9090/tcp"
                working_dir: /app
                user: "1000:1000"
                stop_grace_period: 20s
              worker:
                image: busybox:1.36
                environment:
                  - QUEUE=jobs
                volumes:
                  - type: volume
                    source: data
                    target: /data
            volumes:
              data:
            """);

        Assert.Equal(["worker", "web"], project.Services.Select(s => s.Name));
        Assert.Equal(["data"], project.Volumes);
        var web = project.Find("web")!;
        Assert.NotNull(web.Build);
        Assert.Equal(("web", "docker/Dockerfile.prod", "runtime"), (web.Build.Context, web.Build.Dockerfile, web.Build.Target));
        Assert.Equal("1.2", Assert.Single(web.Build.Args, a => a.Key == "VERSION").Value);
        Assert.Null(web.Image);
        Assert.Equal("production", web.Environment["MODE"]);
        Assert.Equal("", web.Environment["EMPTY"]);
        Assert.Equal(["serve", "--port", "8080"], web.Command);
        Assert.Equal(["/bin/tini", "--", "run me"], web.Entrypoint);
        Assert.Equal(["CMD", "wget", "-q", "-O-", "http://localhost:8080/health"], web.HealthCheck!.Test);
        Assert.Equal(TimeSpan.FromSeconds(10), web.HealthCheck.Interval);
        Assert.Equal(TimeSpan.FromSeconds(2), web.HealthCheck.Timeout);
        Assert.Equal(5, web.HealthCheck.Retries);
        Assert.Equal(TimeSpan.FromSeconds(90), web.HealthCheck.StartPeriod);
        Assert.Equal([new ComposeDependency("worker", ComposeCondition.Healthy)], web.DependsOn);
        Assert.Equal(RestartPolicy.UnlessStopped, web.Restart);
        Assert.Equal([new ComposeMount("data", "/var/lib/web", ReadOnly: true)], web.Volumes);
        Assert.Equal(new ComposeLimits(512, 0.5, 100), web.Limits);
        Assert.Equal("shop", web.Labels["com.example.team"]);
        Assert.Equal([8080, 9090], web.Expose);
        Assert.Equal("/app", web.WorkingDir);
        Assert.Equal("1000:1000", web.User);
        Assert.Equal(TimeSpan.FromSeconds(20), web.StopGracePeriod);
        Assert.Equal(6, web.Line);

        var worker = project.Find("worker")!;
        Assert.Equal("busybox:1.36", worker.Image!.Pulled);
        Assert.Equal("jobs", worker.Environment["QUEUE"]);
        Assert.Equal([new ComposeMount("data", "/data", ReadOnly: false)], worker.Volumes);
        Assert.Equal(RestartPolicy.No, worker.Restart);
        Assert.Null(worker.Command);
        Assert.Equal(ComposeLimits.None, worker.Limits);
    }
}
