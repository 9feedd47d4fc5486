namespace FedBioMed.Crypto.Internal;

/// <summary>A pinned byte buffer whose usable span starts on an <c>alignment</c>-byte boundary.</summary>
internal sealed class AlignedBuffer
{
    private readonly byte[] _array;
    private readonly int _offset;
    private readonly int _length;

    public unsafe AlignedBuffer(int length, int alignment)
    {
        // Arrays on the pinned object heap never move, so the aligned offset computed once stays valid.
        _array = GC.AllocateArray<byte>(length + alignment, pinned: true);
        fixed (byte* p = _array)
        {
            _offset = (int)((ulong)alignment - ((ulong)p % (ulong)alignment)) % alignment;
        }

        _length = length;
    }

    public byte[] Array => _array;

    public int Offset => _offset;

    public Span<byte> Span => _array.AsSpan(_offset, _length);
}
