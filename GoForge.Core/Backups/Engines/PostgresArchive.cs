using System.Formats.Tar;

namespace GoForge.Core.Backups.Engines;

/// <summary>
/// The PostgreSQL archive: a plain tar (readable by any tar) of <c>globals.sql</c> (<c>pg_dumpall --globals-only</c>)
/// followed by the <c>pg_dump --format=custom</c> output cut into <c>database.pgdump.000000</c>, <c>.000001</c>, … of
/// <see cref="ChunkSize"/> bytes each. A tar entry's header holds its size, and the dump's size is known only at its
/// end: cutting it into fixed chunks streams a dump of any size through one chunk of memory, with no temporary file.
/// By hand: <c>tar -xf x.pgdump.tar &amp;&amp; cat database.pgdump.* &gt; db.pgdump &amp;&amp; pg_restore … db.pgdump</c>.
/// </summary>
internal static class PostgresArchive
{
    public const string GlobalsEntry = "globals.sql";
    public const string DumpEntryPrefix = "database.pgdump.";
    public const int ChunkSize = 4 * 1024 * 1024;

    public static string ChunkName(int index) => DumpEntryPrefix + index.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    public static PaxTarEntry Entry(string name, Stream data) => new(TarEntryType.RegularFile, name)
    {
        DataStream = data,
        Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead,
        ModificationTime = DateTimeOffset.UtcNow,
    };

    /// <summary>A write-only stream that writes what it is given as the dump's chunk entries of <paramref name="tar"/>.</summary>
    public sealed class ChunkWriter(TarWriter tar) : Stream
    {
        private readonly byte[] _chunk = new byte[ChunkSize];
        private int _filled;
        private int _written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (buffer.Length > 0)
            {
                var take = Math.Min(buffer.Length, _chunk.Length - _filled);
                buffer[..take].CopyTo(_chunk.AsMemory(_filled));
                _filled += take;
                buffer = buffer[take..];
                if (_filled == _chunk.Length)
                {
                    await WriteChunkAsync(cancellationToken);
                }
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        /// <summary>Writes the last, partial chunk (or an empty first one, so the archive always names its dump).</summary>
        public async Task CompleteAsync(CancellationToken ct)
        {
            if (_filled > 0 || _written == 0)
            {
                await WriteChunkAsync(ct);
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Asynchronous writes only.");

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private async Task WriteChunkAsync(CancellationToken ct)
        {
            using var data = new MemoryStream(_chunk, 0, _filled, writable: false);
            await tar.WriteEntryAsync(Entry(ChunkName(_written), data), ct);
            _written++;
            _filled = 0;
        }
    }

    /// <summary>A read-only stream of the dump's chunk entries, in order, from a reader positioned at the first one.</summary>
    public sealed class ChunkReader(TarReader tar, TarEntry first) : Stream
    {
        private Stream? _current = first.DataStream;
        private int _next = 1;
        private bool _ended;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (!_ended)
            {
                if (_current is not null)
                {
                    var read = await _current.ReadAsync(buffer, cancellationToken);
                    if (read > 0 || buffer.Length == 0)
                    {
                        return read;
                    }
                }

                var entry = await tar.GetNextEntryAsync(copyData: false, cancellationToken);
                if (entry is null)
                {
                    _ended = true;
                }
                else if (entry.Name == ChunkName(_next))
                {
                    _current = entry.DataStream;
                    _next++;
                }
                else
                {
                    throw new BackupEngineException($"The archive's entry {entry.Name} is not the dump's next part ({ChunkName(_next)}): the archive is damaged or not GoForge's.");
                }
            }

            return 0;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Asynchronous reads only.");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
