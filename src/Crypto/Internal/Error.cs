namespace FedBioMed.Crypto.Internal;

/// <summary>Central factories for argument errors, so that messages stay precise and uniform.</summary>
internal static class Error
{
    public static ArgumentException Length(string paramName, int expected, int actual) =>
        new($"Expected {expected} bytes, got {actual}.", paramName);

    /// <summary>Throws <see cref="Length"/>'s exception unless <paramref name="actual"/> is <paramref name="expected"/>.</summary>
    public static void RequireLength(int actual, int expected, string paramName)
    {
        if (actual != expected)
        {
            throw Length(paramName, expected, actual);
        }
    }

    public static ArgumentException SameLength(string paramName, string otherName, int expected, int actual) =>
        new($"Must have the same length as {otherName} ({expected}), got {actual}.", paramName);

    public static ArgumentOutOfRangeException OutOfRange(string paramName, object? actual, string message) =>
        new(paramName, actual, message);
}
