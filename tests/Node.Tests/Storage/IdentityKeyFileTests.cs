using FedBioMed.Federation;
using System.Runtime.Versioning;
using FedBioMed.Node.Storage;
using FedBioMed.Node.Tests.Infrastructure;

namespace FedBioMed.Node.Tests.Storage;

public sealed class IdentityKeyFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void LoadOrCreate_WithoutAFile_WritesAKeyOnlyItsOwnerCanReadOrWrite()
    {
        var path = Path.Combine(_dir.Path, "nested", "identity.key");

        using var identity = IdentityKeyFile.LoadOrCreate("hospital-a", path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(["identity.key"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName)); // no temp file left
        Assert.Equal("hospital-a", identity.Id);
        Assert.Equal(64, File.ReadAllText(path).Length); // 32-byte Ed25519 seed as hex
    }

    [Fact]
    public void LoadOrCreate_Again_ReloadsTheSameKey()
    {
        var path = _dir.File("identity.key");
        byte[] created;
        using (var first = IdentityKeyFile.LoadOrCreate("hospital-a", path)) created = first.PublicKey;
        var text = File.ReadAllText(path);

        using var reloaded = IdentityKeyFile.LoadOrCreate("hospital-a", path);

        Assert.Equal(created, reloaded.PublicKey);
        Assert.Equal(text, File.ReadAllText(path)); // reading never rewrites the key
    }

    [Fact]
    public void LoadOrCreate_FileThatIsNotHex_IsRefusedNamingTheFile()
    {
        var path = _dir.File("identity.key");
        File.WriteAllText(path, "this is not a key");

        var error = Assert.Throws<InvalidDataException>(() => IdentityKeyFile.LoadOrCreate("hospital-a", path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("not hex", error.Message, StringComparison.Ordinal);
        Assert.Equal("this is not a key", File.ReadAllText(path)); // a broken key is never silently replaced
    }

    [Fact]
    public void LoadOrCreate_HexOfTheWrongLength_IsRefusedNamingTheFileAndTheSize()
    {
        var path = _dir.File("identity.key");
        File.WriteAllText(path, "abcdef");

        var error = Assert.Throws<InvalidDataException>(() => IdentityKeyFile.LoadOrCreate("hospital-a", path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("3 bytes", error.Message, StringComparison.Ordinal);
    }
}
