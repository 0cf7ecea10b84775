import AirlockBase
import Foundation

/// A bundle's `validation.json`: what validation found in the drop the bundle was made from.
/// Findings beyond `limit` are counted in `omitted` rather than listed, so one broken export
/// cannot make the bundle unreadable; the workspace keeps every one (`airlock status`).
package struct ValidationReport: Codable, Equatable, Sendable {
    package static let currentFormat = "airlock-validation/1"
    static let limit = 10_000

    package var format = Self.currentFormat
    package var findings: [ValidationFinding]
    package var omitted = 0

    package init(findings: [ValidationFinding]) {
        self.findings = Array(findings.prefix(Self.limit))
        omitted = max(0, findings.count - Self.limit)
    }

    /// Every finding, counted: `findings.count` plus `omitted`.
    package var total: Int { findings.count + omitted }

    func encoded() throws -> Data { try CanonicalJSON.encode(self) }
}
