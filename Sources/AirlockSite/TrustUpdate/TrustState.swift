import Foundation

/// The version of trust a site holds and the threshold its next update must meet, kept in a
/// comment line at the top of its `allowed_signers` (`# airlock-trust version 2 threshold 2`),
/// which `ssh-keygen` passes over, so the file stays the one both read. A file without the line
/// is version 0, threshold 1: the site's first update needs one trustee of the keys it holds.
package struct TrustState: Equatable, Sendable {
    package var version = 0
    package var threshold = 1

    package init(version: Int = 0, threshold: Int = 1) {
        self.version = version
        self.threshold = threshold
    }

    /// The state `allowed_signers` at `path` records.
    package init(allowedSigners path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard let first = text.split(separator: "\n", maxSplits: 1).first,
            let match = first.wholeMatch(of: #/# airlock-trust version ([0-9]{1,9}) threshold ([0-9]{1,4})/#),
            let version = Int(match.output.1), let threshold = Int(match.output.2)
        else { return }
        self.version = version
        self.threshold = threshold
    }

    /// The header line a site's `allowed_signers` starts with.
    var header: String { "# airlock-trust version \(version) threshold \(threshold)\n" }
}
