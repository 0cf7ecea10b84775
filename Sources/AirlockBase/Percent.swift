/// Shares as reports and findings print them.
package enum Percent {
    /// `0.25` → `25.0%`, to one decimal.
    package static func text(_ rate: Double) -> String {
        let tenths = Int((rate * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }
}
