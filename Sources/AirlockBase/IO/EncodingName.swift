import Glibc

/// Names of text encodings as iconv knows them (`latin1`, `windows-1252`, `utf-16`).
package enum EncodingName {
    /// Whether iconv can decode text in the encoding `name`.
    package static func isKnown(_ name: String) -> Bool {
        let descriptor = iconv_open("UTF-8", name)
        guard Int(bitPattern: descriptor) != -1 else { return false }
        iconv_close(descriptor)
        return true
    }
}
