/// How far one piece of long work has come (reading a file, writing a bundle, applying one),
/// for a progress bar on a terminal. Work reports through an optional handler, so without one
/// it costs nothing and prints nothing.
public struct ProgressUpdate: Equatable, Sendable {
    public enum Unit: Sendable { case bytes, steps }

    /// What is being done: `reading products.json`, `writing bundle-000002.tar.gz`.
    public var task: String
    public var done: Int64
    public var total: Int64
    public var unit: Unit

    public var isFinished: Bool { done >= total }
}

public typealias ProgressHandler = (ProgressUpdate) -> Void
