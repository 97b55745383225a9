namespace GoForge.Core.Common;

/// <summary>The outcome of an operation that has no value: success, or an expected <see cref="Common.Error"/>.</summary>
public readonly record struct Result(Error? Error)
{
    public bool IsSuccess => Error is null;

    public static Result Success { get; }

    public static implicit operator Result(Error error) => new(error);
}

/// <summary>The outcome of an operation: a value, or an expected <see cref="Common.Error"/>.</summary>
public readonly record struct Result<T>
{
    private Result(T? value, Error? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }

    public Error? Error { get; }

    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(Value))]
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public static implicit operator Result<T>(T value) => new(value, null);

    public static implicit operator Result<T>(Error error) => new(default, error);

#pragma warning disable CA1000 // Factory members on a generic result read better than the implicit conversions in some call sites.
    public static Result<T> Ok(T value) => new(value, null);

    public static Result<T> Fail(Error error) => new(default, error);
#pragma warning restore CA1000
}
