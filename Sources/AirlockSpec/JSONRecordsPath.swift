import AirlockBase

/// Where the records sit in a JSON document: `""` (the document is the array),
/// `data.products` (an array inside an envelope) or `types[].products` (an array in each
/// element of another array; pages of an API concatenated look like this).
///
/// Ingest walks it as the document streams by (`JSONRecordWalk`), one record at a time.
package struct JSONRecordsPath: Equatable, Sendable {
    /// Each level is a dotted path to an array whose elements are walked.
    package let levels: [[String]]

    package init(levels: [[String]]) {
        self.levels = levels
    }

    package init(_ spelling: String) throws {
        var text = spelling.trimmingWhitespace()
        if text.hasSuffix("[]") { text.removeLast(2) }
        guard !text.isEmpty else {
            levels = [[]]
            return
        }
        levels = try text.components(separatedBy: "[].").map { level in
            let keys = level.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard keys.allSatisfy({ !$0.isEmpty && !$0.contains("\"") && !$0.contains("[") && !$0.contains("]") })
            else {
                throw JSONRecordsPathError(spelling: spelling)
            }
            return keys
        }
    }
}

package struct JSONRecordsPathError: Error, CustomStringConvertible {
    let spelling: String
    package var description: String {
        "'\(spelling)' is not a records path; write keys separated by '.', with '[]' after an array to walk (types[].products)"
    }
}
