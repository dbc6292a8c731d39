using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KvActors.TestSupport;

/// <summary>
/// A RESP client on a bare socket, for byte-exact specs: it sends whatever it is given and reads replies back as
/// their exact wire text ("+OK\r\n", "$3\r\nbar\r\n", whole arrays and maps), one reply at a time.
/// </summary>
public sealed class RawRespClient : IAsyncDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(15);

    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RawRespClient(Socket socket)
    {
        _socket = socket;
    }

    public static async Task<RawRespClient> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint);
        return new RawRespClient(socket);
    }

    /// <summary>A command as a RESP multibulk, the way client libraries send it.</summary>
    public static byte[] Encode(params string[] words) => Encode(words.Select(Encoding.UTF8.GetBytes).ToArray());

    public static byte[] Encode(params byte[][] words)
    {
        var frame = new MemoryStream();
        frame.Write(Encoding.ASCII.GetBytes($"*{words.Length}\r\n"));
        foreach (var word in words)
        {
            frame.Write(Encoding.ASCII.GetBytes($"${word.Length}\r\n"));
            frame.Write(word);
            frame.Write("\r\n"u8);
        }

        return frame.ToArray();
    }

    public async Task SendAsync(byte[] bytes) => await _socket.SendAsync(bytes, SocketFlags.None);

    public Task SendAsync(string raw) => SendAsync(Encoding.UTF8.GetBytes(raw));

    public Task SendCommandAsync(params string[] words) => SendAsync(Encode(words));

    /// <summary>Sends one command and reads its reply.</summary>
    public async Task<string> CallAsync(params string[] words)
    {
        await SendCommandAsync(words);
        return await ReadReplyAsync();
    }

    /// <summary>The next whole reply, as its exact wire text.</summary>
    public async Task<string> ReadReplyAsync()
    {
        var reply = new StringBuilder();
        await ReadValueAsync(reply);
        return reply.ToString();
    }

    /// <summary>True if the server closes the connection (and sends nothing more) within <paramref name="timeout"/>.</summary>
    public async Task<bool> IsClosedByServerAsync(TimeSpan timeout)
    {
        if (_end > _start) return false;
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            return await _socket.ReceiveAsync(new byte[1], SocketFlags.None, cancel.Token) == 0;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task ReadValueAsync(StringBuilder reply)
    {
        var line = await ReadLineAsync();
        reply.Append(line).Append("\r\n");
        switch (line[0])
        {
            case '$' when line != "$-1":
                var length = int.Parse(line[1..]);
                reply.Append(Encoding.UTF8.GetString(await ReadBytesAsync(length + 2)));
                break;
            case '*' when line != "*-1":
                for (var i = int.Parse(line[1..]); i > 0; i--) await ReadValueAsync(reply);
                break;
            case '%':
                for (var i = 2 * int.Parse(line[1..]); i > 0; i--) await ReadValueAsync(reply);
                break;
        }
    }

    private async Task<string> ReadLineAsync()
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline > _start && _buffer[newline - 1] == '\r')
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, newline - 1 - _start);
                _start = newline + 1;
                return line;
            }

            await FillAsync();
        }
    }

    private async Task<byte[]> ReadBytesAsync(int count)
    {
        var bytes = new byte[count];
        for (var filled = 0; filled < count;)
        {
            if (_end == _start) await FillAsync();
            var take = Math.Min(count - filled, _end - _start);
            Array.Copy(_buffer, _start, bytes, filled, take);
            _start += take;
            filled += take;
        }

        return bytes;
    }

    private async Task FillAsync()
    {
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length) throw new InvalidOperationException("reply line longer than the client buffer");
        using var timeout = new CancellationTokenSource(ReadTimeout);
        var received = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, timeout.Token);
        if (received == 0) throw new EndOfStreamException("the server closed the connection");
        _end += received;
    }
}
