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

    /// Hands `body` the first `limit` changes of each kind (insert, update, delete) of
    /// `entity`'s change file one at a time, in the file's order, each as a reviewer reads it
    /// (`ChangeLog.reviewedPart`, a JSON object); none without a change file. Reads no further
    /// than the manifest's counts say it needs.
    func forEachChangeLine(of entity: Manifest.Entity, limit: Int, _ body: ([UInt8]) throws -> Void) throws {
        let member = BundleLayout.changes(of: entity.name)
        let file = folder.appendingPathComponent(member)
        guard FileManager.default.fileExists(atPath: file.path) else { return }
        var wanted = Self.carried(of: entity, limit: limit)
        try ChangeLog.forEachChange(in: file, name: member) { line, _ in
            guard wanted.values.contains(where: { $0 > 0 }) else { return false }
            guard let operation = ChangeLog.operation(of: line), let left = wanted[operation], left > 0 else {
                return true
            }
            try body(ChangeLog.reviewedPart(of: line))
            wanted[operation] = left - 1
            return true
        }
    }

    /// How many changes of each kind `forEachChangeLine` hands on for `entity`, by its counts.
    static func carried(of entity: Manifest.Entity, limit: Int) -> [Change.Operation: Int] {
        let counts = entity.counts
        return [
            .insert: min(counts.inserted, limit), .update: min(counts.updated, limit),
            .delete: min(counts.deleted, limit)
        ]
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
