import AirlockBase

/// Failures while producing a bundle.
package enum BundleError: AirlockError, Equatable {
    case archive(String)

    package var exitStatus: ExitStatus { .failure }

    package var description: String {
        switch self {
        case let .archive(reason): return "cannot write the bundle archive: \(reason)"
        }
    }
}
