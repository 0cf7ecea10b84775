import AirlockBase

/// SQLite JSON path spellings for source fields.
enum JSONPath {
    /// `["price", "amount"]` → `$."price"."amount"`; every key quoted so spaces and dots in
    /// CSV headers (`"Amt. (ZAR)"`) stay one key, and spelled as ingest writes keys
    /// (`JSONKeys`), since SQLite compares labels with keys as written.
    static func sqlPath(_ keys: [String]) -> String {
        "$" + keys.map { ".\"\(JSONKeys.canonical($0))\"" }.joined()
    }

    /// Each name's `"name":` with what comes before it (`{`, then `,`), for records written as
    /// JSON objects with these keys in this order (CSV rows, sheet rows): written once, used for
    /// every record. Names are spelled as `JSONKeys` says, so a header holding `\` or a tab is found.
    static func objectKeys(_ names: [String]) -> [[UInt8]] {
        names.enumerated().map { index, name in
            Array("\(index == 0 ? "{" : ",")\"\(JSONKeys.canonical(name))\":".utf8)
        }
    }

    /// JSON string literal text of UTF-8 bytes, as `JSONSerialization` would write it but
    /// without the overhead: only the quote, the backslash and control bytes are escaped, and
    /// bytes of a multi-byte scalar are never below 0x80.
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
