import AirlockBase

/// Why `discard` cannot take a bundle back.
package enum DiscardError: AirlockError, Equatable {
    case notLatest(sequence: Int, latest: Int?)
    case unknownBundle(id: String)
    case noSuchSource(name: String, sequence: Int)

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
        }
    }
}
