using FedBioMed.Federation.Tests.Infrastructure;

namespace FedBioMed.Federation.Tests.Datasets;

public sealed class TabularDatasetTests
{
    private static LabeledDataset Parse(string csv, TabularDatasetOptions options) =>
        TabularDataset.Load(new StringReader(csv), "test.csv", options);

    private static DatasetFormatException ParseFails(string csv, TabularDatasetOptions options) =>
        Assert.Throws<DatasetFormatException>(() => Parse(csv, options));

    private static readonly TabularDatasetOptions ByLabel = new() { TargetColumn = "label" };

    [Fact]
    public void Load_BreastCancerWisconsin_HasDocumentedShapeAndClasses()
    {
        var data = RepositoryData.LoadBreastCancer();

        Assert.Equal(569, data.Count);
        Assert.Equal([30], data.FeatureShape);
        Assert.Equal(["benign", "malignant"], data.ClassNames);
        Assert.Equal([357, 212], data.ClassCounts());
        Assert.Equal("mean_radius", data.FeatureNames![0]);
        Assert.Equal(17.99f, data.GetFeatures(0)[0]);
        Assert.Equal(1, data.Labels[0]);
    }

    [Fact]
    public void Load_NonNumberInNumericColumn_NamesFileLineColumnAndValue()
    {
        string path = RepositoryData.BreastCancerCsv;
        var lines = File.ReadAllLines(path);
        var fields = lines[16].Split(',');
        fields[0] = "abc";
        lines[16] = string.Join(',', fields);

        var error = Assert.Throws<DatasetFormatException>(() =>
            TabularDataset.Load(new StringReader(string.Join('\n', lines)), path, new TabularDatasetOptions { TargetColumn = "diagnosis" }));

        Assert.Equal("wdbc.csv line 17, column 'mean_radius': 'abc' is not a number", error.Message);
        Assert.Equal(17, error.Line);
        Assert.Equal("mean_radius", error.Column);
    }

    [Fact]
    public void Load_RowWithWrongFieldCount_NamesLine()
    {
        var error = ParseFails("x,label\n1,a\n2\n", ByLabel);
        Assert.Equal("test.csv line 3: 1 fields, but the header has 2", error.Message);
    }

    [Fact]
    public void Load_MissingTargetColumn_ListsColumns()
    {
        var error = ParseFails("x,y\n1,2\n", ByLabel);
        Assert.Equal("test.csv line 1: target column 'label' is not in the header (columns: x, y)", error.Message);
    }

    [Fact]
    public void Load_EmptyValue_IsRejected()
    {
        var error = ParseFails("x,label\n1,a\n,b\n", ByLabel);
        Assert.Equal("test.csv line 3, column 'x': the value is empty; missing values are not supported", error.Message);
    }

    [Fact]
    public void Load_DuplicateHeader_IsRejected()
    {
        var error = ParseFails("x,x,label\n1,2,a\n", ByLabel);
        Assert.Contains("column 'x' appears twice", error.Message);
    }

    [Fact]
    public void Load_DeclaredNumericColumnWithText_FailsEvenOnTheFirstRow()
    {
        var options = ByLabel with { ColumnKinds = new Dictionary<string, ColumnKind> { ["x"] = ColumnKind.Numeric } };
        var error = ParseFails("x,label\nhigh,a\n", options);
        Assert.Equal("test.csv line 2, column 'x': 'high' is not a number", error.Message);
    }

    [Fact]
    public void Load_IntegerLabels_AreOrderedNumericallyNotAsText()
    {
        var data = Parse("x,label\n1,10\n2,9\n3,2\n4,10\n", ByLabel);

        Assert.Equal(["2", "9", "10"], data.ClassNames);
        Assert.Equal([2, 1, 0, 2], data.Labels.ToArray());
    }

    [Fact]
    public void Load_StringLabels_AreOrderedOrdinally()
    {
        var data = Parse("x,label\n1,b\n2,B\n3,a\n", ByLabel);

        Assert.Equal(["B", "a", "b"], data.ClassNames);
        Assert.Equal([2, 0, 1], data.Labels.ToArray());
    }

    [Fact]
    public void Load_CategoricalFeature_IsOneHotInOrdinalOrder()
    {
        var data = Parse("colour,size,label\nred,1.5,y\nblue,2,n\nred,-3e-1,n\n", ByLabel);

        Assert.Equal(["colour=blue", "colour=red", "size"], data.FeatureNames);
        Assert.Equal([0f, 1f, 1.5f, 1f, 0f, 2f, 0f, 1f, -0.3f], data.Features.ToArray());
    }

    [Fact]
    public void Load_DeclaredFeatureColumns_SelectAndOrderFeatures()
    {
        var options = ByLabel with { FeatureColumns = ["b", "a"] };
        var data = Parse("a,b,c,label\n1,2,3,x\n", options);

        Assert.Equal(["b", "a"], data.FeatureNames);
        Assert.Equal([2f, 1f], data.Features.ToArray());
    }

    [Fact]
    public void Load_QuotedFields_MayHoldDelimitersQuotesAndNewlines()
    {
        var data = Parse("note,x,label\n\"a, \"\"quoted\"\"\nnote\",1,yes\nplain,2,no\n", ByLabel);

        Assert.Equal(2, data.Count);
        Assert.Equal(["no", "yes"], data.ClassNames);
        Assert.Contains("note=a, \"quoted\"\nnote", data.FeatureNames!);
    }

    [Fact]
    public void Load_LineNumbers_CountLinesInsideQuotedFields()
    {
        var error = ParseFails("note,x,label\n\"two\nlines\",1,a\nok,zz,b\n", ByLabel);
        Assert.Equal("test.csv line 4, column 'x': 'zz' is not a number", error.Message);
    }

    [Fact]
    public void Load_UnclosedQuote_NamesStartLine()
    {
        var error = ParseFails("x,label\n1,a\n\"2,b\n", ByLabel);
        Assert.Equal("test.csv line 3: a quoted field is never closed", error.Message);
    }

    [Fact]
    public void Load_TargetAlsoListedAsFeature_IsRejected()
    {
        var error = ParseFails("x,label\n1,a\n", ByLabel with { FeatureColumns = ["x", "label"] });
        Assert.Contains("cannot be both the target and a feature", error.Message);
    }

    [Fact]
    public void Load_HeaderOnly_IsRejected()
    {
        var error = ParseFails("x,label\n", ByLabel);
        Assert.Equal("test.csv: the file has a header but no data rows", error.Message);
    }
}
