using System.Security.Cryptography;

namespace GoForge.Core.Catalog;

/// <summary>
/// Makes the per-instance values templates ask for, from the operating system's cryptographic random source
/// (<see cref="RandomNumberGenerator"/>; <c>GetItems</c> and <c>GetHexString</c> draw without modulo bias).
/// Passwords use letters and digits only: they sit unescaped in a URL's user-info (<c>postgres://u:p@h/db</c>), an
/// environment variable, a command-line argument or a config file, and never start with <c>-</c>. 62 symbols give
/// 5.95 bits a character: 32 characters carry 190 bits.
/// </summary>
public static class ValueGenerator
{
    public const string PasswordName = "password";
    public const string HexName = "hex";
    public const string UsernameName = "username";

    public const int MinLength = 8;
    public const int MaxLength = 128;

    /// <summary><c>u_</c> and 8 hex digits: readable, valid for every database here (MySQL allows 32 characters).</summary>
    public const int UsernameLength = 10;

    public const string PasswordAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string Generate(GeneratorSpec spec) => spec.Kind switch
    {
        GeneratorKind.Password => Password(spec.Length),
        GeneratorKind.Hex => Hex(spec.Length),
        GeneratorKind.Username => Username(),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, null),
    };

    public static string Password(int length) =>
        new(RandomNumberGenerator.GetItems<char>(PasswordAlphabet, CheckLength(length)));

    /// <summary><paramref name="length"/> lower-case hex digits (length × 4 bits).</summary>
    public static string Hex(int length) => RandomNumberGenerator.GetHexString(CheckLength(length), lowercase: true);

    public static string Username() => "u_" + RandomNumberGenerator.GetHexString(8, lowercase: true);

    /// <summary>The spec for a generator name and size as written in a template, or the reason it is none.</summary>
    public static GeneratorSpec? TryCreate(string name, int? size, out string? problem)
    {
        problem = null;
        switch (name, size)
        {
            case (UsernameName, null):
                return new GeneratorSpec(GeneratorKind.Username, UsernameLength);
            case (UsernameName, not null):
                problem = "the username generator takes no size (write {{username}}).";
                return null;
            case (PasswordName or HexName, null):
                problem = SizeMissing(name);
                return null;
            case (PasswordName or HexName, { } length) when length is < MinLength or > MaxLength:
                problem = $"{name}:{length} is out of bounds: a size is {MinLength} to {MaxLength}.";
                return null;
            case (PasswordName, { } length):
                return new GeneratorSpec(GeneratorKind.Password, length);
            case (HexName, { } length):
                return new GeneratorSpec(GeneratorKind.Hex, length);
            default:
                problem = $"'{name}' is not a generator (known: password:N, hex:N, username).";
                return null;
        }
    }

    internal static string SizeMissing(string name) => $"the {name} generator needs a size: {name}:{MinLength}…{name}:{MaxLength}.";

    private static int CheckLength(int length) => length is >= MinLength and <= MaxLength
        ? length
        : throw new ArgumentOutOfRangeException(nameof(length), length, $"A generated value has {MinLength} to {MaxLength} characters.");
}
