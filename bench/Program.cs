namespace FedBioMed.Bench;

/// <summary>`dotnet run -c Release --project bench -- COMMAND [options]`: one command per benchmark, each in its own file.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        string command = args.Length > 0 ? args[0] : string.Empty;
        string[] options = args.Length > 0 ? args[1..] : [];
        return command switch
        {
            "masking" => MaskingBenchmark.Run(options),
            "masking-bdn" => MaskExpanderBenchmarks.Run(options),
            "server" => ServerBenchmark.Run(options),
            "scale" => ScaleBenchmark.Run(options),
            "dpsgd-epoch" => DpSgdEpochBenchmark.Run(options),
            "fashion-mnist" => FashionMnistBenchmark.Run(options),
            "large-model" => LargeModelBenchmark.Run(options),
            // The processes large-model starts: a researcher alone, a node alone.
            "large-model-researcher" => LargeModelBenchmark.RunResearcher(options),
            "large-model-node" => LargeModelBenchmark.RunNode(options),
            "fmnist-dp" => DpFashionMnistBenchmark.Run(options),
            "bcw-dpsgd" => DpBreastCancerBenchmark.Run(options),
            "audit-overhead" => AuditOverheadBenchmark.Run(options),
            "audit-cpu-share" => AuditCpuShareBenchmark.Run(options),
            // The collector stand-in audit-overhead starts in a process of its own.
            "otlp-sink" => OtlpSinkProcess.Run(),
            _ => Usage(command),
        };
    }

    private static int Usage(string command)
    {
        Console.Error.WriteLine(command.Length == 0 ? "No benchmark named." : $"Unknown benchmark '{command}'.");
        Console.Error.WriteLine("Usage: dotnet run -c Release --project bench -- <masking | masking-bdn | server | scale | fashion-mnist | large-model | dpsgd-epoch | fmnist-dp | bcw-dpsgd | audit-overhead | audit-cpu-share> [options]");
        return 2;
    }
}
