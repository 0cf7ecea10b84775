/// How far one piece of long work has come (reading a file, writing a bundle, applying one),
/// for a progress bar on a terminal. Work reports through an optional handler, so without one
/// it costs nothing and prints nothing.
package struct ProgressUpdate: Equatable, Sendable {
    package enum Unit: Sendable { case bytes, steps }

    /// What is being done: `reading products.json`, `writing bundle-000002.tar.gz`.
    package var task: String
    package var done: Int64
    package var total: Int64
    package var unit: Unit

    package init(task: String, done: Int64, total: Int64, unit: Unit) {
        self.task = task
        self.done = done
        self.total = total
        self.unit = unit
    }

    package var isFinished: Bool { done >= total }
}

package typealias ProgressHandler = (ProgressUpdate) -> Void
