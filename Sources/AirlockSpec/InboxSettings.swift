import AirlockBase

/// What happens to files in `inbox/` (`inbox:` in the spec).
package struct InboxSettings: Equatable, Sendable {
    /// Leave ingested files where they are instead of moving them to `inbox/processed/`; the
    /// ledger of file hashes still keeps them from being read twice.
    package var keepProcessed = false
    /// The most bytes one member of a `.zip`, `.tar.gz` or `.gz` drop may expand to; a larger
    /// one refuses the whole archive as a possible decompression bomb.
    package var maxMemberSize: Int64 = 1 << 30

    package init() {}

    /// `1048576`, `512KB`, `64MB`, `2GB` (powers of 1024).
    static func byteCount(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [("KB", 1 << 10), ("MB", 1 << 20), ("GB", 1 << 30), ("B", 1)]
        let trimmed = text.trimmingWhitespace().uppercased()
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            return Int64(trimmed.dropLast(suffix.count).trimmingWhitespace()).flatMap { $0 > 0 ? $0 * factor : nil }
        }
        return Int64(trimmed).flatMap { $0 > 0 ? $0 : nil }
    }
}
