import AirlockSite
import Foundation

/// What a bundle says about itself, read from its unpacked members: the manifest, the
/// validation findings and the first changes of each entity. Reports, `show` and `diff`
/// are rendered from it.
package struct BundleContents: Sendable {
    package var manifest: Manifest
    package var validation: ValidationReport?
    /// Per entity, the first `sampleSize` lines of its change file; the manifest's counts say
    /// how many there are in all.
    package var changes: [String: [Change]]
    /// Where the members are, for readers that stream more of a change file than the sample.
    let folder: URL

    /// Reads the members below `folder`; a bundle made before change files and validation.json
    /// simply has none.
    package init(folder: URL, manifest: Manifest, sampleSize: Int) throws {
        self.manifest = manifest
        self.folder = folder
        let validationFile = folder.appendingPathComponent(BundleLayout.validation)
        if FileManager.default.fileExists(atPath: validationFile.path) {
            validation = try JSONDecoder().decode(ValidationReport.self, from: Data(contentsOf: validationFile))
        }
        changes = [:]
        for entity in manifest.entities {
            let member = BundleLayout.changes(of: entity.name)
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(member).path) else { continue }
            changes[entity.name] = try Self.firstChanges(of: member, in: folder, count: sampleSize)
        }
    }

    /// Hands `body` the first `limit` changes of `entity`'s change file one at a time, each as
    /// a reviewer reads it (`ChangeLog.reviewedPart`, a JSON object); none without a change file.
    func forEachChangeLine(of entity: String, limit: Int, _ body: ([UInt8]) throws -> Void) throws {
        let member = BundleLayout.changes(of: entity)
        let file = folder.appendingPathComponent(member)
        guard FileManager.default.fileExists(atPath: file.path) else { return }
        var count = 0
        try ChangeLog.forEachChange(in: file, name: member) { line, _ in
            guard count < limit else { return false }
            try body(ChangeLog.reviewedPart(of: line))
            count += 1
            return true
        }
    }

    /// Decodes the first `count` lines of a change file, reading no further than it needs.
    static func firstChanges(of member: String, in folder: URL, count: Int) throws -> [Change] {
        var changes: [Change] = []
        let decoder = JSONDecoder()
        try ChangeLog.forEachChange(in: folder.appendingPathComponent(member), name: member) { line, number in
            guard changes.count < count else { return false }
            do {
                changes.append(try decoder.decode(Change.self, from: Data(line)))
            } catch {
                throw VerificationError.badMember(name: member, reason: "line \(number) is not a change (\(error))")
            }
            return true
        }
        return changes
    }
}
