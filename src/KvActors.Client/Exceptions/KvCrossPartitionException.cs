using KvActors.Protocol;

namespace KvActors.Client;

/// <summary>An atomic request named keys of different partitions; give them a common <c>{tag}</c>.</summary>
public sealed class KvCrossPartitionException(string message, Exception? innerException = null)
    : KvException(ErrorCode.CrossPartition, message, innerException);
