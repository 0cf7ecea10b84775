import AirlockBase

/// Why a pull stopped. Every case names the source (the entity) and, where there is one, the
/// page and its URL, with secrets already masked; nothing of a failed pull reaches the inbox.
package enum PullError: AirlockError, Equatable {
    case noSources
    case unknownEntity(String, pullable: [String])
    case missingVariable(source: String, variable: String)
    /// A page failed every attempt with a transient error (timeouts, 429, 5xx, cut bodies).
    case gaveUp(source: String, page: Int, url: String, attempts: Int, reason: String)
    /// The server answered with an error that another attempt will not change (401, 404, …).
    case refused(source: String, page: Int, url: String, reason: String)
    /// A page arrived whole but is not what the spec describes.
    case badPage(source: String, page: Int, url: String, reason: String)
    case write(source: String, path: String, reason: String)
    /// The committed mark cannot be moved back by `lookback`: the aggregate gave no timestamp.
    case cursorNotTimestamp(source: String, mark: String, from: String)

    package var exitStatus: ExitStatus {
        switch self {
        case .noSources, .unknownEntity, .missingVariable, .cursorNotTimestamp: return .usageOrConfig
        case .gaveUp, .refused, .badPage, .write: return .failure
        }
    }

    package var description: String {
        switch self {
        case .noSources:
            return "no entity in airlock.yml has a source.pull section; see README (Pulling from APIs)"
        case let .unknownEntity(name, pullable):
            let known =
                pullable.isEmpty
                ? "no entity in airlock.yml has source.pull"
                : "entities with source.pull: \(pullable.joined(separator: ", "))"
            return "no pullable entity '\(name)'; \(known)"
        case let .missingVariable(source, variable):
            return
                "\(source): the environment variable \(variable) is not set; the spec names it for this source's credentials or URL"
        case let .gaveUp(source, page, url, attempts, reason):
            return
                "\(source): page \(page) (\(url)): gave up after \(attempts) attempts; last: \(reason). Nothing was written to the inbox"
        case let .refused(source, page, url, reason):
            return "\(source): page \(page) (\(url)): \(reason). Nothing was written to the inbox"
        case let .badPage(source, page, url, reason):
            return "\(source): page \(page) (\(url)): \(reason). Nothing was written to the inbox"
        case let .write(source, path, reason):
            return "\(source): cannot write \(path): \(reason)"
        case let .cursorNotTimestamp(source, mark, from):
            return
                "\(source): pull.incremental.from '\(from)' gave '\(mark)', which is not a timestamp, so lookback cannot move it back; aggregate a timestamp column or remove lookback"
        }
    }
}
