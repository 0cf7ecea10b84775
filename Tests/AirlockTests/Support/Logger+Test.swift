import Logging

extension Logger {
    /// The logger tests hand to library types; its lines go where swift-log's default handler puts them.
    static let test = Logger(label: "airlock-test")
}
