import AirlockBase

/// Why `discard` cannot take a bundle back.
package enum DiscardError: AirlockError, Equatable {
    case notLatest(sequence: Int, latest: Int?)
    case unknownBundle(id: String)
    case noSuchSource(name: String, sequence: Int)
    /// The workspace holds no before-images of the bundle (`airlock recover` rebuilt it from later ones).
    case noBeforeImages(sequence: Int)
    /// The bundle changed the targets' tables, and the workspace (rebuilt by `recover`) does
    /// not know the tables before it.
    case schemaChangeNotRecorded(sequence: Int)
    /// airlock.yml changed entities since the bundle, and the change is not bundled yet.
    case specChangedSince(sequence: Int, entities: [String])

    package var exitStatus: ExitStatus { .usageOrConfig }

    package var description: String {
        switch self {
        case let .notLatest(sequence, latest):
            return
                "bundle \(sequence) is not the latest bundle of this workspace (\(latest.map { "latest: \($0)" } ?? "none left")); discard newer bundles first"
        case let .unknownBundle(id):
            return "bundle \(id) was not produced by this workspace"
        case let .noSuchSource(name, sequence):
            return "bundle \(sequence) has no source file named '\(name)'"
        case let .specChangedSince(sequence, entities):
            return
                "bundle \(sequence) cannot be discarded while airlock.yml holds changes to \(entities.joined(separator: ", ")) made since it: put the spec back as bundle \(sequence) was made with it, discard, then change it again"
        case let .schemaChangeNotRecorded(sequence):
            return
                "bundle \(sequence) changed the targets' tables, and this workspace, rebuilt by airlock recover, does not know the tables before it: it cannot be discarded. Put the spec back as it was before bundle \(sequence) and run: the next bundle changes the tables back"
        case let .noBeforeImages(sequence):
            return
                "bundle \(sequence) cannot be discarded: the workspace does not hold the rows it changed (airlock recover rebuilt it from the bundles after it); put bundle \(sequence) back into outbox/ and run airlock recover again first"
        }
    }
}
