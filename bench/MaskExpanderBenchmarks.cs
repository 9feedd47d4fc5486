using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using FedBioMed.Crypto;

namespace FedBioMed.Bench;

/// <summary>`masking-bdn`: BenchmarkDotNet view of the expander (11 terms, uint32 and uint64 targets, two chunk sizes).</summary>
/// <remarks>In-process: the assembly name (FedBioMed.Bench) differs from the project's, which BenchmarkDotNet's generated project cannot find.</remarks>
[InProcess]
[MemoryDiagnoser]
public class MaskExpanderBenchmarks
{
    private uint[] _target32 = [];
    private ulong[] _target64 = [];
    private MaskTerm[] _terms = [];
    private MaskExpander? _expander;

    [Params(1_000_000, 10_000_000)]
    public int Words { get; set; }

    [Params(128 * 1024, 256 * 1024)]
    public int ChunkBytes { get; set; }

    public static int Run(string[] args)
    {
        BenchmarkRunner.Run<MaskExpanderBenchmarks>(args: args);
        return 0;
    }

    [GlobalSetup]
    public void Setup()
    {
        _target32 = new uint[Words];
        _target64 = new ulong[Words / 2];
        _terms = Enumerable.Range(0, 11)
            .Select(i => new MaskTerm(new MaskPrg(RandomNumberGenerator.GetBytes(32), new ContextBuilder("mask").Add(i).ToArray()), i > 5))
            .ToArray();
        _expander = new MaskExpander(ChunkBytes);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _expander?.Dispose();
        foreach (var term in _terms)
        {
            term.Prg.Dispose();
        }
    }

    [Benchmark(Baseline = true)]
    public void Uint32() => _expander!.Apply(_target32, 0, _terms);

    [Benchmark]
    public void Uint64SameBytes() => _expander!.Apply(_target64, 0, _terms);
}
