import AirlockBase

/// SQLite JSON path spellings for source fields.
enum JSONPath {
    /// `["price", "amount"]` → `$."price"."amount"`; every key quoted so spaces and dots in
    /// CSV headers (`"Amt. (ZAR)"`) stay one key.
    static func sqlPath(_ keys: [String]) -> String {
        "$" + keys.map { ".\"\($0)\"" }.joined()
    }

    /// Each name's `"name":` with what comes before it (`{`, then `,`), for records written as
    /// JSON objects with these keys in this order: written once, used for every record.
    static func objectKeys(_ names: [String]) -> [[UInt8]] {
        names.enumerated().map { index, name in
            var key = index == 0 ? "{" : ","
            quote(name, into: &key)
            return Array((key + ":").utf8)
        }
    }

    /// JSON string literal text, as `JSONSerialization` would write it but without the overhead.
    static func quote(_ text: String, into output: inout String) {
        output.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output.append("\\\"")
            case "\\": output.append("\\\\")
            case "\n": output.append("\\n")
            case "\r": output.append("\\r")
            case "\t": output.append("\\t")
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: output.unicodeScalars.append(scalar)
            }
        }
        output.append("\"")
    }

    /// The same for UTF-8 bytes: only the quote, the backslash and control bytes are escaped,
    /// and bytes of a multi-byte scalar are never below 0x80.
    static func quote(_ text: ArraySlice<UInt8>, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        guard text.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            output += text
            output.append(UInt8(ascii: "\""))
            return
        }
        for byte in text {
            switch byte {
            case UInt8(ascii: "\""): output += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): output += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): output += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): output += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): output += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20: output += Array("\\u00\(byte < 0x10 ? "0" : "")\(String(byte, radix: 16))".utf8)
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
