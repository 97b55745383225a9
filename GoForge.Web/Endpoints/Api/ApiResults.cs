using GoForge.Core.Common;
using GoForge.Core.Identity.ApiTokens;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// Core's <see cref="Error"/> as RFC 9457 problem details, the same for every endpoint: validation → 400 with the
/// fields (camelCase, as in the request), not found → 404, conflict → 409, forbidden → 403.
/// </summary>
internal static class ApiResults
{
    public static ProblemHttpResult Problem(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);

    public static ProblemHttpResult Problem(Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Kind switch
        {
            ErrorKind.Validation => TypedResults.Problem(new HttpValidationProblemDetails(CamelCase(error.FieldErrors))
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request is not valid.",
                Detail = error.Message,
            }),
            ErrorKind.NotFound => Problem(StatusCodes.Status404NotFound, "Not found", error.Message),
            ErrorKind.Conflict => Problem(StatusCodes.Status409Conflict, "Conflict", error.Message),
            ErrorKind.Forbidden => Problem(StatusCodes.Status403Forbidden, "Forbidden", error.Message),
            ErrorKind.Unauthorized => Problem(StatusCodes.Status401Unauthorized, "Unauthorized", error.Message),
            ErrorKind.TooManyRequests => Problem(StatusCodes.Status429TooManyRequests, "Too many requests", error.Message),
            _ => throw new ArgumentOutOfRangeException(nameof(error), error.Kind, "Unknown error kind."),
        };
    }

    public static ProblemHttpResult Validation(string field, string message) => Problem(Error.Validation(field, message));

    public static ProblemHttpResult MissingScope(ApiScope scope) =>
        Problem(StatusCodes.Status403Forbidden, "Missing scope", $"This endpoint needs a token with the '{scope.Name()}' scope.",
            new Dictionary<string, object?> { ["requiredScope"] = scope.Name() });

    /// <summary>Core names fields like its input records (<c>GitUrl</c>); the API's JSON says <c>gitUrl</c>.</summary>
    private static Dictionary<string, string[]> CamelCase(IReadOnlyDictionary<string, string[]> fields) =>
        fields.ToDictionary(f => f.Key.Length == 0 ? f.Key : char.ToLowerInvariant(f.Key[0]) + f.Key[1..], f => f.Value, StringComparer.Ordinal);
}
