/// Shares as reports and findings print them.
package enum Percent {
    /// `0.25` → `25.0%`, to one decimal. A share that is not nothing never reads as `0.0%`
    /// (1 of 100,000 rows → `<0.1%`), nor one short of everything as `100.0%` (`>99.9%`).
    package static func text(_ rate: Double) -> String {
        let tenths = Int((rate * 1000).rounded())
        if tenths == 0 && rate > 0 { return "<0.1%" }
        if tenths == 1000 && rate < 1 { return ">99.9%" }
        return "\(tenths / 10).\(tenths % 10)%"
    }
}
