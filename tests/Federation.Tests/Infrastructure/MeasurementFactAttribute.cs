namespace FedBioMed.Federation.Tests.Infrastructure;

/// <summary>
/// A measurement, not a check: runs only when FEDBIOMED_MEASURE=1, and reports through the test output
/// (dotnet test --logger "console;verbosity=detailed").
/// </summary>
public sealed class MeasurementFactAttribute : FactAttribute
{
    public const string Variable = "FEDBIOMED_MEASURE";

    public MeasurementFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
        {
            Skip = $"a measurement; set {Variable}=1 to run it";
        }
    }
}
