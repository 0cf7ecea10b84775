import AirlockBase
import CZlib
import Foundation

/// A gzip file compressed on every core, for bundle files: the input is cut into blocks, each
/// block is deflated on its own with the 32 KiB before it as its dictionary (as pigz does)
/// and ended on a byte boundary, and the outputs are joined in order. The result is one
/// ordinary gzip member that any gzip reader reads, and its bytes depend only on the input.
///
/// A stretch of the input compressed before, as it was written (`MemberCompressor`), is
/// spliced in as it is (`splice`): the blocks before it end on a byte boundary, and its own
/// first block was compressed without a dictionary.
///
/// Written here because neither libarchive nor zlib compresses in parallel, and deflate was
/// the largest single cost of a bundle (1M rows: 13 s of 60 on one core).
final class ParallelGzip {
    static let blockSize = 1 << 20
    static let dictionarySize = 1 << 15

    private let output: FileHandle
    /// Full blocks waiting to be compressed together, one per core.
    private var pending: [[UInt8]] = []
    private var current: [UInt8] = []
    /// The end of the last block compressed, the dictionary of the next one.
    private var dictionary: [UInt8] = []
    private var checksum = crc32(0, nil, 0)
    private var length: UInt64 = 0
    /// The spliced stretch whose bytes `write` is still to be given, and their checksum so far.
    private var spliced: (member: CompressedMember, left: UInt64, checksum: uLong)?
    private let batch: Int

    /// Compresses into `path`, `batch` blocks at a time (one per core by default; the bytes
    /// written do not depend on it).
    init(path: String, batch: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)) throws {
        self.batch = batch
        guard let handle = FileHandle.writing(toPath: path) else {
            throw BundleError.archive("cannot create \(path)")
        }
        output = handle
        // Magic, deflate, no flags, no time stamp (reproducible), no extra flags, Unix.
        try output.write(contentsOf: [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3])
        current.reserveCapacity(Self.blockSize)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !bytes.isEmpty else { return }
        let rest = try skipSpliced(bytes)
        guard let base = rest.baseAddress, !rest.isEmpty else { return }
        checksum = crc32(checksum, base.assumingMemoryBound(to: Bytef.self), uInt(rest.count))
        length += UInt64(rest.count)
        try buffer(rest)
    }

    /// Puts `member`'s compressed bytes in the output next, in place of the next
    /// `member.length` bytes `write` is given, which must be the bytes it was compressed from
    /// (they are checked against its CRC-32, not compressed again).
    func splice(_ member: CompressedMember) throws {
        guard spliced == nil else { throw BundleError.archive("a splice inside a splice") }
        // What came before ends on a byte boundary, so that deflate blocks may follow. An
        // empty block would not be compressed, and would leave the dictionary behind.
        if !current.isEmpty { pending.append(current) }
        current.removeAll(keepingCapacity: true)
        try compressPending(finishing: false)
        guard let source = FileHandle(forReadingAtPath: member.compressed.path) else {
            throw BundleError.archive("cannot read \(member.compressed.path)")
        }
        defer { try? source.close() }
        while let chunk = try source.read(upToCount: Self.blockSize), !chunk.isEmpty {
            try output.write(contentsOf: chunk)
        }
        checksum = crc32_combine(checksum, uLong(member.crc), off_t(member.length))
        length += member.length
        if !member.tail.isEmpty { dictionary = member.tail }
        spliced = (member, member.length, crc32(0, nil, 0))
    }

    /// The part of `bytes` past the spliced stretch's, whose own part is only checked.
    private func skipSpliced(_ bytes: UnsafeRawBufferPointer) throws -> UnsafeRawBufferPointer {
        guard var stretch = spliced else { return bytes }
        let count = Int(min(UInt64(bytes.count), stretch.left))
        stretch.checksum = crc32(stretch.checksum, bytes.baseAddress!.assumingMemoryBound(to: Bytef.self), uInt(count))
        stretch.left -= UInt64(count)
        spliced = stretch.left > 0 ? stretch : nil
        if stretch.left == 0, UInt32(stretch.checksum) != stretch.member.crc {
            throw BundleError.archive("\(stretch.member.name) changed after it was compressed")
        }
        return UnsafeRawBufferPointer(rebasing: bytes[count...])
    }

    private func buffer(_ bytes: UnsafeRawBufferPointer) throws {
        try Self.fill(&current, from: bytes) { block in
            pending.append(block)
            block.removeAll(keepingCapacity: true)
            if pending.count == batch { try compressPending(finishing: false) }
        }
    }

    /// Appends `bytes` to `block`, handing it to `full` each time it holds `blockSize` bytes;
    /// `full` takes the block away and leaves it empty for the rest.
    static func fill(
        _ block: inout [UInt8], from bytes: UnsafeRawBufferPointer, full: (inout [UInt8]) throws -> Void
    ) rethrows {
        var rest = bytes[...]
        while !rest.isEmpty {
            let taken = rest.prefix(blockSize - block.count)
            block += taken
            rest = rest.dropFirst(taken.count)
            if block.count == blockSize { try full(&block) }
        }
    }

    /// Compresses what is left, ends the deflate stream, writes the gzip trailer and syncs the
    /// file to disk: the run that staged it commits next, and a crash must not leave it
    /// recorded as made with its bytes lost.
    func finish() throws {
        if let stretch = spliced {
            throw BundleError.archive("\(stretch.member.name) ended \(stretch.left) bytes short of what was compressed")
        }
        pending.append(current)
        try compressPending(finishing: true)
        let size = UInt32(truncatingIfNeeded: length), crc = UInt32(checksum)
        try output.write(
            contentsOf: (0..<4).map { UInt8(truncatingIfNeeded: crc >> (8 * $0)) }
                + (0..<4).map { UInt8(truncatingIfNeeded: size >> (8 * $0)) })
        try output.synchronize()
        try output.close()
    }

    private func compressPending(finishing: Bool) throws {
        let blocks = pending
        let dictionaries = [dictionary] + blocks.dropLast().map { Array($0.suffix(Self.dictionarySize)) }
        var outputs = [Result<[UInt8], BundleError>](repeating: .success([]), count: blocks.count)
        outputs.withUnsafeMutableBufferPointer { buffer in
            // Each iteration writes its own slot and no other, so the threads share nothing.
            nonisolated(unsafe) let slots = buffer
            DispatchQueue.concurrentPerform(iterations: blocks.count) { index in
                slots[index] = Self.deflate(
                    blocks[index], dictionary: dictionaries[index], last: finishing && index == blocks.count - 1)
            }
        }
        for compressed in outputs { try output.write(contentsOf: compressed.get()) }
        if let last = blocks.last, !last.isEmpty { dictionary = Array(last.suffix(Self.dictionarySize)) }
        pending.removeAll()
    }

    /// Raw deflate of one block at the default level, ending on a byte boundary (a sync flush),
    /// or ending the stream when it is the last block.
    static func deflate(_ block: [UInt8], dictionary: [UInt8], last: Bool) -> Result<[UInt8], BundleError> {
        var stream = z_stream()
        guard
            deflateInit2_(
                &stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else {
            return .failure(.archive("cannot start deflate"))
        }
        defer { deflateEnd(&stream) }
        if !dictionary.isEmpty {
            var dictionary = dictionary
            _ = dictionary.withUnsafeMutableBufferPointer {
                deflateSetDictionary(&stream, $0.baseAddress, uInt($0.count))
            }
        }
        // Room for the whole block even if it does not compress, and the flush's marker.
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(block.count))) + 64)
        var input = block
        let status = input.withUnsafeMutableBufferPointer { input in
            out.withUnsafeMutableBufferPointer { out in
                stream.next_in = input.baseAddress
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                return CZlib.deflate(&stream, last ? Z_FINISH : Z_SYNC_FLUSH)
            }
        }
        guard status == (last ? Z_STREAM_END : Z_OK), stream.avail_in == 0 else {
            return .failure(.archive("deflate failed (zlib status \(status))"))
        }
        out.removeSubrange(Int(stream.total_out)...)
        return .success(out)
    }
}
