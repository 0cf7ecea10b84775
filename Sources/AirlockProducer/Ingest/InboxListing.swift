import Foundation
import Glibc

/// What lies directly in `inbox/`, read with `readdir` so that every name is seen as the bytes
/// it is: regular, non-hidden files with UTF-8 names, sorted so runs are repeatable, and the
/// names that are not UTF-8. Those cannot be read (a bundle's manifest names its sources in
/// JSON), and Foundation's listing would drop them without a word, so they are kept to be
/// reported, escaped.
struct InboxListing {
    var files: [URL] = []
    /// Names that are not valid UTF-8, as `InboxListing.escaped` writes them (`bad\xFF.csv`).
    var undecodableNames: [String] = []

    init(of inbox: URL) throws {
        guard let directory = opendir(inbox.path) else {
            let number = errno
            if number == ENOENT { throw WorkspaceError.noInbox(path: inbox.path) }
            throw NSError(domain: NSPOSIXErrorDomain, code: Int(number), userInfo: [NSFilePathErrorKey: inbox.path])
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            guard bytes.first != UInt8(ascii: "."), Self.mayBeRegular(entry.pointee.d_type, bytes, in: inbox) else {
                continue
            }
            if let name = String(validating: bytes, as: UTF8.self) {
                names.append(name)
            } else {
                undecodableNames.append(Self.escaped(bytes))
            }
        }
        files = names.sorted().map { inbox.appendingPathComponent($0) }
        undecodableNames.sort()
    }

    /// `d_type` says what the entry is, except on file systems that leave it unknown: then `lstat`.
    private static func mayBeRegular(_ type: UInt8, _ name: [UInt8], in inbox: URL) -> Bool {
        if type == UInt8(DT_REG) { return true }
        guard type == UInt8(DT_UNKNOWN) else { return false }
        var status = stat()
        let path = Array(inbox.path.utf8) + [UInt8(ascii: "/")] + name + [0]
        return path.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { lstat($0.baseAddress!, &status) == 0 }
        } && status.st_mode & S_IFMT == S_IFREG
    }

    /// The name with every byte that is not part of valid UTF-8, every control character and the
    /// backslash itself written as `\xHH`, so it can be shown and told apart from any other.
    static func escaped(_ bytes: [UInt8]) -> String {
        var text = ""
        var index = 0
        while index < bytes.count {
            let length = scalarLength(bytes, at: index)
            if length > 0, let scalar = String(validating: bytes[index..<index + length], as: UTF8.self),
                !scalar.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }),
                scalar != "\\"
            {
                text += scalar
                index += length
            } else {
                text += String(format: "\\x%02X", bytes[index])
                index += 1
            }
        }
        return text
    }

    /// The length of the UTF-8 sequence its lead byte announces, or 0 for a byte no sequence starts with.
    private static func scalarLength(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        let length =
            lead < 0x80
            ? 1
            : lead >= 0xC2 && lead < 0xE0 ? 2 : lead >= 0xE0 && lead < 0xF0 ? 3 : lead >= 0xF0 && lead < 0xF5 ? 4 : 0
        return index + length <= bytes.count ? length : 0
    }
}
