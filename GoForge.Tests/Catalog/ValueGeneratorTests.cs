using GoForge.Core.Catalog;

namespace GoForge.Tests.Catalog;

public sealed class ValueGeneratorTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(32)]
    [InlineData(128)]
    public void A_password_has_the_requested_length_in_the_url_safe_alphabet(int length)
    {
        var password = ValueGenerator.Password(length);

        Assert.Equal(length, password.Length);
        Assert.All(password, c => Assert.Contains(c, ValueGenerator.PasswordAlphabet));
        Assert.Equal(password, Uri.EscapeDataString(password));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(64)]
    public void A_hex_value_has_the_requested_number_of_lower_case_digits(int length) =>
        Assert.Matches($"^[0-9a-f]{{{length}}}$", ValueGenerator.Hex(length));

    [Fact]
    public void A_username_is_readable_and_fits_every_database()
    {
        var name = ValueGenerator.Username();

        Assert.Matches("^u_[0-9a-f]{8}$", name);
        Assert.Equal(ValueGenerator.UsernameLength, name.Length);
    }

    [Fact]
    public void Generated_values_are_distinct_across_calls()
    {
        Assert.Equal(1000, Enumerable.Range(0, 1000).Select(_ => ValueGenerator.Password(16)).Distinct().Count());
        Assert.Equal(1000, Enumerable.Range(0, 1000).Select(_ => ValueGenerator.Hex(16)).Distinct().Count());
        Assert.Equal(200, Enumerable.Range(0, 200).Select(_ => ValueGenerator.Username()).Distinct().Count());
    }

    [Fact]
    public void Every_symbol_of_the_alphabet_turns_up_so_no_part_of_it_is_starved()
    {
        var seen = string.Concat(Enumerable.Range(0, 200).Select(_ => ValueGenerator.Password(64)));

        Assert.All(ValueGenerator.PasswordAlphabet, c => Assert.Contains(c, seen));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(129)]
    [InlineData(100_000)]
    public void A_length_out_of_bounds_is_refused(int length)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ValueGenerator.Password(length));
        Assert.Throws<ArgumentOutOfRangeException>(() => ValueGenerator.Hex(length));
    }

    [Theory]
    [InlineData("password", 32, GeneratorKind.Password)]
    [InlineData("hex", 64, GeneratorKind.Hex)]
    [InlineData("username", null, GeneratorKind.Username)]
    public void A_spec_is_made_from_name_and_size(string name, int? size, GeneratorKind kind)
    {
        var spec = ValueGenerator.TryCreate(name, size, out var problem);

        Assert.Null(problem);
        Assert.Equal(kind, spec!.Kind);
        Assert.Equal(spec.Kind == GeneratorKind.Username ? ValueGenerator.UsernameLength : size, spec.Length);
        Assert.Equal(ValueGenerator.Generate(spec).Length, spec.Length);
    }
}
