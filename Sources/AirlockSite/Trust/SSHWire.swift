import AirlockBase
import Foundation

/// The SSH wire encoding (RFC 4251): `string` is a uint32 big-endian length and the bytes.
struct SSHWriter {
    private(set) var bytes: [UInt8] = []

    mutating func raw<S: Sequence>(_ data: S) where S.Element == UInt8 { bytes.append(contentsOf: data) }
    mutating func uint32(_ value: UInt32) { raw(withUnsafeBytes(of: value.bigEndian, Array.init)) }
    mutating func string<S: Collection>(_ data: S) where S.Element == UInt8 {
        uint32(UInt32(data.count))
        raw(data)
    }
    mutating func string(_ text: String) { string(Array(text.utf8)) }
}

struct SSHReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }
    var remaining: ArraySlice<UInt8> { bytes[offset...] }

    mutating func raw(_ count: Int) throws -> [UInt8] {
        guard count >= 0, bytes.count - offset >= count else { throw SSHFormatError.truncated }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func uint32() throws -> UInt32 {
        try raw(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func string() throws -> [UInt8] { try raw(Int(try uint32())) }
    mutating func text() throws -> String { String(decoding: try string(), as: UTF8.self) }
}

struct SSHFormatError: Error, CustomStringConvertible {
    let description: String
    static let truncated = SSHFormatError(description: "the data ends too early")
}

/// PEM-style armor with base64 wrapped at 70 columns, as OpenSSH writes it.
enum SSHArmor {
    static func wrap(_ bytes: [UInt8], label: String) -> String {
        let base64 = Data(bytes).base64EncodedString()
        var lines = ["-----BEGIN \(label)-----"]
        var index = base64.startIndex
        while index < base64.endIndex {
            let end = base64.index(index, offsetBy: 70, limitedBy: base64.endIndex) ?? base64.endIndex
            lines.append(String(base64[index..<end]))
            index = end
        }
        lines.append("-----END \(label)-----")
        return lines.joined(separator: "\n") + "\n"
    }

    static func unwrap(_ text: String, label: String) throws -> [UInt8] {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingWhitespace() }
        guard let begin = lines.firstIndex(of: "-----BEGIN \(label)-----"),
            let end = lines.firstIndex(of: "-----END \(label)-----"), begin < end
        else {
            throw SSHFormatError(description: "no '\(label)' block")
        }
        guard let data = Data(base64Encoded: lines[(begin + 1)..<end].joined()) else {
            throw SSHFormatError(description: "the '\(label)' block is not valid base64")
        }
        return [UInt8](data)
    }
}
