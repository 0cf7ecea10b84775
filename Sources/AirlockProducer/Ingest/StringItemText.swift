/// The text of a string item (`<si>` in the shared strings, `<is>` in an inline string cell):
/// its `<t>` elements, plain or in rich-text runs (`<r>`), without the phonetic guides of East
/// Asian text (`<rPh>`), and with Office Open XML's `_xHHHH_` escapes (characters XML cannot
/// carry, such as `_x000D_` for a carriage return; `_x005F_` escapes the underscore) decoded.
struct StringItemText {
    private var text = ""
    private var inText = false
    private var inPhonetic = false

    mutating func start(_ element: String) {
        switch element {
        case "t": inText = !inPhonetic
        case "rPh": inPhonetic = true
        default: break
        }
    }

    mutating func end(_ element: String) {
        switch element {
        case "t": inText = false
        case "rPh": inPhonetic = false
        default: break
        }
    }

    mutating func characters(_ string: String) {
        if inText { text += string }
    }

    /// The item's text, and a fresh start for the next item.
    mutating func take() -> String {
        defer { self = StringItemText() }
        return text.contains("_x") ? Self.decodingEscapes(text) : text
    }

    private static func decodingEscapes(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)[...]
        var decoded = String.UnicodeScalarView()
        while let first = scalars.first {
            if first == "_", scalars.count >= 7, scalars.dropFirst().first == "x",
                scalars[scalars.startIndex + 6] == "_",
                case let hex = scalars.dropFirst(2).prefix(4), hex.allSatisfy(\.properties.isASCIIHexDigit),
                let value = UInt32(String(String.UnicodeScalarView(hex)), radix: 16),
                let scalar = Unicode.Scalar(value)
            {
                decoded.append(scalar)
                scalars = scalars.dropFirst(7)
            } else {
                decoded.append(first)
                scalars = scalars.dropFirst()
            }
        }
        return String(decoded)
    }
}
