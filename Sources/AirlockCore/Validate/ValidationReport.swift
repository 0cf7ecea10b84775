import Foundation

/// A bundle's `validation.json`: what validation found in the drop the bundle was made from.
/// Findings beyond `limit` are counted in `omitted` rather than listed, so one broken export
/// cannot make the bundle unreadable; the workspace keeps every one (`airlock status`).
public struct ValidationReport: Codable, Equatable, Sendable {
    public static let memberName = "validation.json"
    public static let currentFormat = "airlock-validation/1"
    static let limit = 10_000

    public var format = Self.currentFormat
    public var findings: [ValidationFinding]
    public var omitted = 0

    public init(findings: [ValidationFinding]) {
        self.findings = Array(findings.prefix(Self.limit))
        omitted = max(0, findings.count - Self.limit)
    }

    /// Every finding, counted: `findings.count` plus `omitted`.
    public var total: Int { findings.count + omitted }

    func encoded() throws -> Data { try CanonicalJSON.encode(self) }
}
