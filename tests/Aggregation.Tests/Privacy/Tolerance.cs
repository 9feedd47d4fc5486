namespace FedBioMed.Aggregation.Tests.Privacy;

internal static class Tolerance
{
    /// <summary>Asserts |actual − expected| ≤ relative·|expected| (+ absolute), with the numbers in the message.</summary>
    public static void Close(double expected, double actual, double relative, double absolute = 0)
    {
        var error = Math.Abs(actual - expected);
        Assert.True(error <= relative * Math.Abs(expected) + absolute,
            $"expected {expected:R}, got {actual:R} (relative error {error / Math.Abs(expected):E2}, allowed {relative:E0})");
    }
}
