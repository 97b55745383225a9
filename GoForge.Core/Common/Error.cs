namespace GoForge.Core.Common;

/// <summary>What kind of expected failure an operation ended with; the UI and the API map each to one presentation.</summary>
public enum ErrorKind
{
    Validation,
    NotFound,
    Conflict,
    Forbidden,
    Unauthorized,
    TooManyRequests,
}

/// <summary>An expected failure: a message for people, and per-field messages for forms.</summary>
public sealed record Error(ErrorKind Kind, string Message, IReadOnlyDictionary<string, string[]> FieldErrors)
{
    private static readonly IReadOnlyDictionary<string, string[]> NoFields = new Dictionary<string, string[]>();

    public static Error Validation(IReadOnlyDictionary<string, string[]> fieldErrors) =>
        new(ErrorKind.Validation, string.Join(" ", fieldErrors.Values.SelectMany(v => v)), fieldErrors);

    public static Error Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static Error NotFound(string message) => new(ErrorKind.NotFound, message, NoFields);

    public static Error Conflict(string message) => new(ErrorKind.Conflict, message, NoFields);

    public static Error Forbidden(string message) => new(ErrorKind.Forbidden, message, NoFields);

    public static Error Unauthorized(string message) => new(ErrorKind.Unauthorized, message, NoFields);

    public static Error TooManyRequests(string message) => new(ErrorKind.TooManyRequests, message, NoFields);
}
