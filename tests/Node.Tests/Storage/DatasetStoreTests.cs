using FedBioMed.Node.Storage;
using FedBioMed.Node.Tests.Infrastructure;

namespace FedBioMed.Node.Tests.Storage;

public sealed class DatasetStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));

    private DatasetStore OpenStore() => new(new NodeDatabase(_dir.File("node.db")), _clock);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Add_ThenList_ReturnsEveryFieldAsRegistered()
    {
        var store = OpenStore();
        var csv = new DatasetRegistration("bcw", ["breast-cancer", "tabular"], DatasetKind.Csv, "/data/wdbc.csv", TargetColumn: "diagnosis");
        var idx = new DatasetRegistration("digits", ["mnist"], DatasetKind.Idx, "/data/images.idx", LabelsLocation: "/data/labels.idx");

        store.Add(idx);
        store.Add(csv);

        var listed = store.List();
        Assert.Equal(["bcw", "digits"], listed.Select(d => d.Id)); // ordered by id, not by insertion
        var bcw = listed[0];
        Assert.Equal(["breast-cancer", "tabular"], bcw.Tags);
        Assert.Equal((DatasetKind.Csv, "/data/wdbc.csv", null, "diagnosis"), (bcw.Kind, bcw.Location, bcw.LabelsLocation, bcw.TargetColumn));
        var digits = listed[1];
        Assert.Equal((DatasetKind.Idx, "/data/images.idx", "/data/labels.idx", null), (digits.Kind, digits.Location, digits.LabelsLocation, digits.TargetColumn));
        Assert.Equal("digits", store.Find("digits")?.Id);
        Assert.Null(store.Find("nope"));
    }

    [Fact]
    public void Add_WithAnIdAlreadyRegistered_IsRefusedNamingTheId_AndKeepsTheFirst()
    {
        var store = OpenStore();
        store.Add(new DatasetRegistration("bcw", ["first"], DatasetKind.Csv, "/a.csv", TargetColumn: "y"));

        var error = Assert.Throws<InvalidOperationException>(() =>
            store.Add(new DatasetRegistration("bcw", ["second"], DatasetKind.Csv, "/b.csv", TargetColumn: "y")));

        Assert.Contains("'bcw'", error.Message, StringComparison.Ordinal);
        Assert.Equal(["first"], Assert.Single(store.List()).Tags);
    }

    [Fact]
    public void Add_CsvWithoutTargetColumn_IsRefusedAndNothingIsStored()
    {
        var store = OpenStore();

        var error = Assert.Throws<ArgumentException>(() => store.Add(new DatasetRegistration("bcw", ["t"], DatasetKind.Csv, "/a.csv")));

        Assert.Contains("target column", error.Message, StringComparison.Ordinal);
        Assert.Empty(store.List());
    }

    [Fact]
    public void Remove_DeletesOnce_ThenReportsTheIdAsUnknown()
    {
        var store = OpenStore();
        store.Add(new DatasetRegistration("a", ["t"], DatasetKind.ImageFolder, "/images"));
        store.Add(new DatasetRegistration("b", ["t"], DatasetKind.ImageFolder, "/images2"));

        Assert.True(store.Remove("a"));
        Assert.False(store.Remove("a"));
        Assert.Equal(["b"], store.List().Select(d => d.Id));
    }

    [Fact]
    public void Registrations_SurviveReopeningTheDatabaseFile()
    {
        OpenStore().Add(new DatasetRegistration("bcw", ["breast-cancer"], DatasetKind.Csv, "/a.csv", TargetColumn: "diagnosis"));

        var reopened = OpenStore();

        var stored = Assert.Single(reopened.List());
        Assert.Equal(("bcw", "diagnosis"), (stored.Id, stored.TargetColumn));
        Assert.Throws<InvalidOperationException>(() => reopened.Add(stored));
    }
}
