/// How `airlock pull` fetches an entity's records from an HTTP API (`source.pull` in the spec).
///
/// Values may name environment variables as `${NAME}` (in the URL, headers and parameters) and
/// `auth` names variables only, so the spec, the workspace and the bundles never hold a secret.
package struct PullSpec: Equatable, Sendable {
    package enum Method: String, Equatable, Sendable {
        case get = "GET", post = "POST"
    }

    /// An HTTP header or query parameter; the value may hold `${NAME}`.
    package struct Field: Equatable, Sendable {
        package var name: String
        package var value: String
    }

    package enum Auth: Equatable, Sendable {
        /// `Authorization: Bearer $VARIABLE`.
        case bearer(variable: String)
        /// `Authorization: Basic base64($USER:$PASSWORD)`.
        case basic(userVariable: String, passwordVariable: String)
    }

    package var url: String
    package var method: Method = .get
    /// A fixed request body (for POST search endpoints); sent as is.
    package var body: String?
    package var headers: [Field] = []
    package var parameters: [Field] = []
    package var auth: Auth?
    package var pagination = Pagination(style: .none)
    /// Records asked for per page (the `size` parameter of page and offset styles).
    package var pageSize: Int?
    /// The least time between two requests, from `rate_limit: 5/s`.
    package var minimumInterval: Double = 0
    /// Seconds one request may take, connection included.
    package var timeout: Double = 30
    /// Tries per page before the pull gives up.
    package var attempts = 5
    /// The first wait before a retry; it doubles each time (with jitter), up to `maximumBackoff`.
    package var backoff: Double = 1
    /// PEM file of the CAs to trust instead of the system's; TLS is always verified.
    package var caFile: String?
    /// Stops a pagination that never ends.
    package var maximumPages = 100_000
    /// Ask only for what changed since the last bundle (`incremental:`); nil pulls everything.
    package var incremental: IncrementalPull?

    package static let maximumBackoff: Double = 60

    /// The inbox name of one pull's dump, `ENTITY-YYYYMMDDTHHMMSSZ.json` (`-2` and on for a
    /// second pull in the same second); the entity's file pattern must match it.
    package static func dumpFileName(entity: String, stamp: String, suffix: Int = 1) -> String {
        suffix == 1 ? "\(entity)-\(stamp).json" : "\(entity)-\(stamp)-\(suffix).json"
    }

    package init(url: String) {
        self.url = url
    }
}

/// How an API splits its records into pages and says where the next page is.
package struct Pagination: Equatable, Sendable {
    package enum Style: Equatable, Sendable {
        /// One request.
        case none
        /// `?page=1`, `?page=2`, …; `sizeParameter` carries the page size.
        case page(parameter: String, start: Int, sizeParameter: String?)
        /// `?offset=0&limit=100`, `?offset=100&limit=100`, …
        case offset(parameter: String, sizeParameter: String)
        /// `?cursor=…` with the cursor read from each page at `next` (`meta.next_cursor`).
        case cursor(parameter: String, next: [String])
        /// The next page's URL read from each page at `next` (`links.next`), or from the
        /// `Link: <…>; rel="next"` header when `next` is nil.
        case nextLink(next: [String]?)

        /// The spelling in the spec (`pagination.style`), also recorded in pull dumps.
        package var name: String {
            switch self {
            case .none: return "none"
            case .page: return "page"
            case .offset: return "offset"
            case .cursor: return "cursor"
            case .nextLink: return "next_link"
            }
        }
    }

    package var style: Style
    /// A boolean in each page (`has_more`, `meta.has_more`) that is false on the last page.
    package var hasMore: [String]?

    package init(style: Style, hasMore: [String]? = nil) {
        self.style = style
        self.hasMore = hasMore
    }
}
