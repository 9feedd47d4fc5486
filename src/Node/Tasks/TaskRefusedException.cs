namespace FedBioMed.Node.Tasks;

/// <summary>The node refuses a task; the code and message go back to the researcher.</summary>
public sealed class TaskRefusedException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
