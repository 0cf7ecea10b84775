import AirlockBase
import AirlockSite
import Foundation

/// What came back for an `HTTPRequest`: the status, the headers of the final response (after
/// redirects) and the whole body.
struct HTTPResponse {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: Data
    /// The URL that answered, after redirects.
    var url: String

    /// The first header named `name`, compared without case.
    func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// `Retry-After` as seconds from `now`: either a number of seconds or an HTTP date.
    func retryAfter(now: Date) -> Double? {
        guard let value = header("Retry-After")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(value), seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: value).map { max(0, $0.timeIntervalSince(now)) }
    }

    /// The target of `Link: <…>; rel="next"` (RFC 8288), as GitHub-style APIs paginate.
    var nextLink: String? {
        for header in headers where header.name.caseInsensitiveCompare("Link") == .orderedSame {
            for link in header.value.split(separator: ",") {
                let parts = link.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                guard let target = parts.first, target.hasPrefix("<"), target.hasSuffix(">") else { continue }
                let isNext = parts.dropFirst().contains { parameter in
                    let pair = parameter.split(separator: "=", maxSplits: 1).map {
                        $0.trimmingCharacters(in: .whitespaces)
                    }
                    return pair.count == 2 && pair[0].lowercased() == "rel"
                        && pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")).split(separator: " ")
                            .contains("next")
                }
                if isNext { return String(target.dropFirst().dropLast()) }
            }
        }
        return nil
    }
}
