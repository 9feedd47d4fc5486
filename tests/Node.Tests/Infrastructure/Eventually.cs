namespace FedBioMed.Node.Tests.Infrastructure;

/// <summary>Waits for a condition by polling, failing with a description when it does not hold in time.</summary>
internal static class Eventually
{
    public static async Task HoldsAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out after {timeout.TotalSeconds:F0} s waiting until {what}");
            await Task.Delay(20);
        }
    }
}
