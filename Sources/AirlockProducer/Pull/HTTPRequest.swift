import AirlockSpec
import Foundation

/// One HTTP request as `CurlClient` sends it. Header values may hold credentials; a request
/// is never logged or written anywhere.
struct HTTPRequest {
    var url: String
    var method: PullSpec.Method = .get
    /// `Name: value` lines.
    var headers: [String] = []
    var body: String?
    var timeout: Double
    var caFile: String?
}
