using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// What every <c>/api</c> request passes before its endpoint: the body-size cap (413), and problem details instead of
/// the panel's HTML status pages for any error answered without a body (an unknown route, a wrong method).
/// </summary>
internal sealed class ApiEdge(RequestDelegate next, IOptions<ApiOptions> options, IProblemDetailsService problems)
{
    public const string PathPrefix = "/api";

    public static bool IsApi(HttpContext context) => context.Request.Path.StartsWithSegments(PathPrefix, StringComparison.OrdinalIgnoreCase);

    public async Task InvokeAsync(HttpContext context)
    {
        // The panel re-executes empty error answers as its HTML "not found" page; API clients get JSON.
        if (context.Features.Get<IStatusCodePagesFeature>() is { } statusPages)
        {
            statusPages.Enabled = false;
        }

        var max = options.Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > max)
        {
            await WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Payload too large", $"A request body has at most {max} bytes.");
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max;
        }

        await next(context);
        if (!context.Response.HasStarted && context.Response.StatusCode >= 400 && context.Response.ContentLength is null or 0
            && string.IsNullOrEmpty(context.Response.ContentType))
        {
            var status = context.Response.StatusCode;
            await WriteAsync(context, status, ReasonPhrase(status), DetailOf(status));
        }
    }

    private Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }

    private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";

    private string DetailOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request body or a parameter could not be read; see /openapi/v1.json for the expected shape.",
        StatusCodes.Status404NotFound => "No such API endpoint; see /openapi/v1.json.",
        StatusCodes.Status405MethodNotAllowed => "This endpoint does not take this HTTP method.",
        StatusCodes.Status413PayloadTooLarge => $"A request body has at most {options.Value.MaxRequestBodyBytes} bytes.",
        StatusCodes.Status415UnsupportedMediaType => "Send JSON: Content-Type: application/json.",
        _ => "The request could not be served.",
    };
}

/// <summary>Unexpected exceptions of API calls: logged once (by the exception middleware) and answered as a 500 problem.</summary>
internal sealed class ApiExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!ApiEdge.IsApi(httpContext))
        {
            return false;
        }

        httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = StatusCodes.Status500InternalServerError, Title = "Server error", Detail = "Something went wrong; the server log has the details." },
        });
    }
}
