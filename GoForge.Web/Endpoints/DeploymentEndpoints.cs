using System.Globalization;
using System.Text;
using GoForge.Core.Deployments;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints;

internal static class DeploymentEndpoints
{
    private const int PageSize = 5000;
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static IEndpointRouteBuilder MapDeploymentEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/deployments/{deploymentId:guid}/log.txt", DownloadLogAsync);
        return endpoints;
    }

    /// <summary>
    /// The whole log as text, one stored (already masked) line per line. Access is the service's: a deployment the
    /// user may not see is not found, exactly like one that does not exist.
    /// </summary>
    private static async Task<Results<PushStreamHttpResult, NotFound>> DownloadLogAsync(Guid deploymentId, HttpContext context, DeploymentService deployments)
    {
        var actor = context.User.ToActor();
        if (actor is null)
        {
            return TypedResults.NotFound();
        }

        var first = await deployments.LogAsync(actor, deploymentId, 0, PageSize, context.RequestAborted);
        if (!first.IsSuccess)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Stream(
            async body =>
            {
                await using var writer = new StreamWriter(body, Utf8, leaveOpen: true);
                var page = first.Value;
                while (true)
                {
                    foreach (var line in page)
                    {
                        await writer.WriteAsync(line.LoggedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z '", CultureInfo.InvariantCulture));
                        await writer.WriteLineAsync(line.Text);
                    }

                    if (page.Count < PageSize)
                    {
                        break;
                    }

                    var next = await deployments.LogAsync(actor, deploymentId, page[^1].LineNo, PageSize, context.RequestAborted);
                    page = next.Value ?? [];
                }
            },
            "text/plain; charset=utf-8",
            $"deployment-{deploymentId}.log");
    }
}
