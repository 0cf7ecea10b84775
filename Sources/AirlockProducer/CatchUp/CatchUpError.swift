import AirlockBase

/// Why `airlock catchup` wrote no bundle.
package enum CatchUpError: AirlockError, Equatable {
    /// `--from` names no bundle of the workspace's chain.
    case unknownBundle(String)
    /// The target is at the producer's newest bundle already, or no bundle was made yet.
    case nothingToCatchUp(from: Int, head: Int)
    /// Bundle `sequence`'s before-images are gone (the workspace was rebuilt by `recover`
    /// from later bundles), so the state before it cannot be known.
    case noBeforeImages(sequence: Int)
    /// Bundle `changing`, after the target's bundle `from`, changed the targets' tables; a
    /// catch-up bundle carries rows only.
    case spansSchemaChange(from: Int, changing: Int)

    package var exitStatus: ExitStatus {
        switch self {
        case .nothingToCatchUp: return .nothingToDo
        case .unknownBundle, .noBeforeImages, .spansSchemaChange: return .usageOrConfig
        }
    }

    package var description: String {
        switch self {
        case let .unknownBundle(text):
            return
                "--from \(text) is not a bundle of this workspace's chain: give its sequence (0 for an empty target) or its digest, as airlock target-status prints it"
        case let .nothingToCatchUp(from, head):
            return head == 0
                ? "no bundle was made yet: there is nothing to catch up"
                : "bundle \(from) is the newest bundle (\(head)): a target there needs no catch-up"
        case let .spansSchemaChange(from, changing):
            return
                "bundle \(changing) changes the tables of the targets (airlock show lists its schema changes), and a catch-up bundle carries rows only: apply the bundles after \(from) up to \(changing) in turn, then catch up from \(changing) (or from 0 for an empty target)"
        case let .noBeforeImages(sequence):
            return
                "the workspace no longer knows the rows before bundle \(sequence) (it was recovered from later bundles): catch up from bundle \(sequence) or later, or from 0 with the full state"
        }
    }
}
