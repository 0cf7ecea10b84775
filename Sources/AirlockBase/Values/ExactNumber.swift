/// Compares decimal numbers written as text (`-12`, `0012.50`, `3.1`) digit by digit, so range
/// checks on decimal columns are exact however many digits they hold.
package enum ExactNumber {
    /// -1, 0 or 1; nil when either is not a plain decimal number.
    package static func compare(_ a: String, _ b: String) -> Int? {
        guard let x = Parts(a), let y = Parts(b) else { return nil }
        if x.isZero && y.isZero { return 0 }
        if x.negative != y.negative { return x.negative ? -1 : 1 }
        let magnitude = compareMagnitude(x, y)
        return x.negative ? -magnitude : magnitude
    }

    private struct Parts {
        var negative: Bool
        var whole: Substring
        var fraction: Substring

        init?(_ text: String) {
            var rest = Substring(text)
            negative = rest.first == "-"
            if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
            let pieces = rest.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard let first = pieces.first, pieces.count <= 2, pieces.count == 2 || !first.isEmpty,
                pieces.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
            else { return nil }
            whole = first.drop { $0 == "0" }
            fraction = pieces.count == 2 ? pieces[1] : ""
            while fraction.last == "0" { fraction = fraction.dropLast() }
        }

        var isZero: Bool { whole.isEmpty && fraction.isEmpty }
    }

    private static func compareMagnitude(_ x: Parts, _ y: Parts) -> Int {
        if x.whole.count != y.whole.count { return x.whole.count < y.whole.count ? -1 : 1 }
        if x.whole != y.whole { return x.whole < y.whole ? -1 : 1 }
        let width = max(x.fraction.count, y.fraction.count)
        let a = x.fraction + String(repeating: "0", count: width - x.fraction.count)
        let b = y.fraction + String(repeating: "0", count: width - y.fraction.count)
        return a == b ? 0 : (a < b ? -1 : 1)
    }
}
