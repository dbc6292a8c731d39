using KvActors.Client;
using KvActors.Protocol;
using Xunit;

namespace KvActors.Tests.Client;

public sealed class KvExceptionSpec
{
    public static TheoryData<ErrorCode, Type> EveryCode => new()
    {
        { ErrorCode.NotFound, typeof(KvNotFoundException) },
        { ErrorCode.AlreadyExists, typeof(KvAlreadyExistsException) },
        { ErrorCode.RevisionMismatch, typeof(KvRevisionMismatchException) },
        { ErrorCode.InvalidKey, typeof(KvInvalidKeyException) },
        { ErrorCode.ValueTooLarge, typeof(KvValueTooLargeException) },
        { ErrorCode.InvalidArgument, typeof(KvInvalidArgumentException) },
        { ErrorCode.Unavailable, typeof(KvUnavailableException) },
        { ErrorCode.Timeout, typeof(KvTimeoutException) },
        { ErrorCode.Busy, typeof(KvBusyException) },
        { ErrorCode.NotANumber, typeof(KvNotANumberException) },
        { ErrorCode.Overflow, typeof(KvOverflowException) },
        { ErrorCode.UnsupportedRequest, typeof(KvUnsupportedRequestException) },
        { ErrorCode.CrossPartition, typeof(KvCrossPartitionException) },
    };

    [Theory]
    [MemberData(nameof(EveryCode))]
    public void KvException_should_map_each_error_code_to_its_own_type(ErrorCode code, Type expected)
    {
        var exception = KvException.FromError(new KvError(code, "the server's words"));
        Assert.IsType(expected, exception);
        Assert.Equal(code, exception.Code);
        Assert.Equal("the server's words", exception.Message);
    }

    [Fact]
    public void KvException_should_cover_every_error_code() =>
        Assert.Equal(Enum.GetValues<ErrorCode>().Order(), EveryCode.Select(row => (ErrorCode)row[0]).Order());
}
