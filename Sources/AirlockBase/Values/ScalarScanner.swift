/// Reads a source value's Unicode scalars left to right, for the value parsers. They used
/// regexes before; building a match's typed output cost most of their time (perf, 100k rows).
///
/// To try something that may not be there, copy the scanner, read from the copy, and keep it
/// only if everything it needed was there.
struct ScalarScanner {
    private let scalars: [Unicode.Scalar]
    private var position = 0

    init(_ text: some StringProtocol) {
        scalars = Array(text.unicodeScalars)
    }

    var atEnd: Bool { position == scalars.count }

    /// Consumes the next scalar when it is one of `candidates`, and returns it.
    mutating func take(oneOf candidates: String) -> Unicode.Scalar? {
        guard !atEnd, candidates.unicodeScalars.contains(scalars[position]) else { return nil }
        position += 1
        return scalars[position - 1]
    }

    /// Consumes exactly `count` ASCII digits and returns their value; consumes nothing when
    /// fewer follow. ASCII only: other scripts' digits are refused, not read.
    mutating func number(digits count: Int) -> Int? {
        guard position + count <= scalars.count else { return nil }
        var value = 0
        for scalar in scalars[position..<position + count] {
            guard let digit = Self.digit(scalar) else { return nil }
            value = value * 10 + digit
        }
        position += count
        return value
    }

    /// Consumes the ASCII digits that follow, possibly none, and returns them as text.
    mutating func digitRun() -> String {
        let start = position
        while !atEnd, Self.digit(scalars[position]) != nil { position += 1 }
        var run = String.UnicodeScalarView()
        run.append(contentsOf: scalars[start..<position])
        return String(run)
    }

    mutating func skipWhitespace() {
        while !atEnd, scalars[position].properties.isWhitespace { position += 1 }
    }

    private static func digit(_ scalar: Unicode.Scalar) -> Int? {
        (48...57).contains(scalar.value) ? Int(scalar.value - 48) : nil
    }
}
