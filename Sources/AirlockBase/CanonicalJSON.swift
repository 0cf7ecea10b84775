import Foundation

/// The JSON spelling of every document Airlock writes into a bundle or prints with `--json`: sorted keys, so the same
/// content gives the same bytes (bundles are reproducible), and indented for people reading it.
package enum CanonicalJSON {
    package static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value) + Data("\n".utf8)
    }

    /// `value` on one line, keys sorted: for JSON embedded in other text.
    package static func compact<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }
}
