import AirlockBase
import AirlockSite
import AirlockSpec
import Foundation
import Logging

/// One pull's walk through a source's pages: builds each page's request, retries it while the
/// failure is transient, and reads from each page where the next one is.
struct PullSession {
    /// Where the walk stands, with what the pagination style needs to take the next step.
    private enum Position {
        case single(String)
        case page(Int, parameter: String, sizeParameter: String?)
        case offset(Int, parameter: String, sizeParameter: String)
        case cursor(String?, parameter: String, next: [String])
        case link(String, next: [String]?)
    }

    let source: String
    let spec: PullSpec
    private let recordsPath: String
    private let logger: Logger
    private let credentials: Credentials
    private let firstURL: String
    private let headers: [String]
    private let client = CurlClient()

    private var position: Position
    private var pageNumber = 0
    private var finished = false
    /// Cursors and links already followed; meeting one again means the API loops.
    private var followed: Set<String> = []
    private var lastRequest: Date?
    private(set) var retries = 0

    /// With a cursor that has a `since`, every request the pull builds asks only for what
    /// changed since then; a next link is followed as the API gives it.
    init(
        entity: EntitySpec, spec: PullSpec, cursor: Manifest.Cursor?, environment: [String: String], logger: Logger
    ) throws {
        source = entity.name
        self.spec = spec
        recordsPath = entity.source.recordsPath
        self.logger = logger
        var credentials = Credentials(source: entity.name, environment: environment)
        // The cursor is data from the workspace, never expanded as `${NAME}`.
        let parameters =
            try spec.parameters.map { ($0.name, try credentials.expand($0.value)) }
            + (cursor.flatMap { cursor in cursor.since.map { [(cursor.param, $0)] } } ?? [])
        firstURL = QueryEncoding.append(parameters, to: try credentials.expand(spec.url))
        var headers = try spec.headers.map { "\($0.name): \(try credentials.expand($0.value))" }
        if let auth = spec.auth { headers.append(try credentials.authorizationHeader(auth)) }
        let named = Set(spec.headers.map { $0.name.lowercased() })
        if !named.contains("accept") { headers.append("Accept: application/json") }
        if spec.method == .post && !named.contains("content-type") { headers.append("Content-Type: application/json") }
        self.headers = headers
        self.credentials = credentials
        switch spec.pagination.style {
        case .none: position = .single(firstURL)
        case let .page(parameter, start, sizeParameter):
            position = .page(start, parameter: parameter, sizeParameter: sizeParameter)
        case let .offset(parameter, sizeParameter):
            position = .offset(0, parameter: parameter, sizeParameter: sizeParameter)
        case let .cursor(parameter, next): position = .cursor(nil, parameter: parameter, next: next)
        case let .nextLink(next): position = .link(firstURL, next: next)
        }
    }

    /// The next page, or nil when the previous one was the last.
    mutating func nextPage() throws -> PulledPage? {
        guard !finished else { return nil }
        pageNumber += 1
        let url = requestURL()
        guard pageNumber <= spec.maximumPages else {
            throw PullError.badPage(
                source: source, page: pageNumber, url: credentials.mask(url),
                reason:
                    "the source has more than \(spec.maximumPages) pages; raise pull.max_pages if it really is that large"
            )
        }
        let (page, response) = try fetch(url)
        try advance(after: page, response: response, url: url)
        return page
    }

    private func requestURL() -> String {
        let size = spec.pageSize.map(String.init)
        switch position {
        case let .single(url), let .link(url, _):
            return url
        case let .page(number, parameter, sizeParameter):
            let sizing = sizeParameter.flatMap { name in size.map { [(name, $0)] } } ?? []
            return QueryEncoding.append([(parameter, String(number))] + sizing, to: firstURL)
        case let .offset(offset, parameter, sizeParameter):
            return QueryEncoding.append(
                [(parameter, String(offset))] + (size.map { [(sizeParameter, $0)] } ?? []), to: firstURL)
        case let .cursor(cursor, parameter, _):
            return QueryEncoding.append(cursor.map { [(parameter, $0)] } ?? [], to: firstURL)
        }
    }

    private mutating func advance(after page: PulledPage, response: HTTPResponse, url: String) throws {
        if let hasMore = spec.pagination.hasMore, page.flag(at: hasMore) != true {
            finished = true
            return
        }
        switch position {
        case .single:
            finished = true
        case let .page(number, parameter, sizeParameter):
            finished = page.records == 0 || isShort(page)
            position = .page(number + 1, parameter: parameter, sizeParameter: sizeParameter)
        case let .offset(offset, parameter, sizeParameter):
            finished = page.records == 0 || isShort(page)
            position = .offset(offset + page.records, parameter: parameter, sizeParameter: sizeParameter)
        case let .cursor(_, parameter, next):
            guard let cursor = page.string(at: next) else { return finished = true }
            try follow(cursor, from: url)
            position = .cursor(cursor, parameter: parameter, next: next)
        case let .link(_, next):
            guard let link = next.map({ page.string(at: $0) }) ?? response.nextLink else { return finished = true }
            let target = try sameOrigin(link, base: response.url, url: url)
            try follow(target, from: url)
            position = .link(target, next: next)
        }
    }

    /// Without a `has_more` flag, a page shorter than the page size is the last one.
    private func isShort(_ page: PulledPage) -> Bool {
        spec.pagination.hasMore == nil && spec.pageSize.map { page.records < $0 } == true
    }

    private mutating func follow(_ next: String, from url: String) throws {
        guard followed.insert(next).inserted else {
            throw PullError.badPage(
                source: source, page: pageNumber, url: credentials.mask(url),
                reason:
                    "the API points back to a page already fetched (\(credentials.mask(next))); the pagination loops")
        }
    }

    /// A next link is resolved against the page that gave it and must stay on the source's
    /// scheme, host and port: credentials go to the configured API only.
    private func sameOrigin(_ link: String, base: String, url: String) throws -> String {
        guard let resolved = URL(string: link, relativeTo: URL(string: base))?.absoluteURL,
            let origin = URL(string: firstURL)
        else {
            throw PullError.badPage(
                source: source, page: pageNumber, url: credentials.mask(url),
                reason: "the next link '\(credentials.mask(link))' is not a URL")
        }
        guard resolved.scheme == origin.scheme, resolved.host == origin.host, resolved.port == origin.port else {
            throw PullError.badPage(
                source: source, page: pageNumber, url: credentials.mask(url),
                reason:
                    "the next link leads to another site (\(resolved.host ?? "?")); Airlock sends this source's credentials only to \(origin.host ?? "?")"
            )
        }
        return resolved.absoluteString
    }

    // MARK: - One page, with retries

    private mutating func fetch(_ url: String) throws -> (PulledPage, HTTPResponse) {
        let request = HTTPRequest(
            url: url, method: spec.method, headers: headers, body: spec.body,
            timeout: spec.timeout, caFile: spec.caFile)
        let shownURL = credentials.mask(url)
        var lastReason = ""
        for attempt in 1...spec.attempts {
            if attempt > 1 { retries += 1 }
            waitForRateLimit()
            var retryAfter: Double?
            switch client.perform(request) {
            case let .failure(failure):
                guard failure.isTransient else {
                    throw PullError.refused(
                        source: source, page: pageNumber, url: shownURL, reason: credentials.mask(failure.message))
                }
                lastReason = failure.message
            case let .success(response) where response.status == 429 || (500...599).contains(response.status):
                lastReason = "HTTP \(response.status)\(excerpt(of: response.body))"
                retryAfter = response.retryAfter(now: Date())
            case let .success(response) where !(200...299).contains(response.status):
                throw PullError.refused(
                    source: source, page: pageNumber, url: shownURL,
                    reason: "HTTP \(response.status)\(credentials.mask(excerpt(of: response.body)))")
            case let .success(response):
                do {
                    return (try PulledPage(body: response.body, recordsPath: recordsPath), response)
                } catch PulledPage.Problem.invalidJSON(let reason) {
                    lastReason = reason
                } catch PulledPage.Problem.shape(let reason) {
                    throw PullError.badPage(source: source, page: pageNumber, url: shownURL, reason: reason)
                }
            }
            lastReason = credentials.mask(lastReason)
            guard attempt < spec.attempts else { break }
            if let retryAfter, retryAfter > Puller.maximumRetryAfter {
                throw PullError.gaveUp(
                    source: source, page: pageNumber, url: shownURL, attempts: attempt,
                    reason:
                        "\(lastReason); the server asks to wait \(Int(retryAfter)) s (Retry-After), longer than Airlock waits"
                )
            }
            let wait = retryAfter ?? backoff(afterAttempt: attempt)
            logger.warning(
                "\(source): page \(pageNumber): \(lastReason); retrying in \(String(format: "%.1f", wait)) s (attempt \(attempt + 1) of \(spec.attempts))"
            )
            Thread.sleep(forTimeInterval: wait)
        }
        throw PullError.gaveUp(
            source: source, page: pageNumber, url: shownURL, attempts: spec.attempts, reason: lastReason)
    }

    /// Exponential backoff with "equal jitter": half the doubled delay, plus a random part of
    /// the other half, so many clients retrying together spread out.
    private func backoff(afterAttempt attempt: Int) -> Double {
        let delay = min(PullSpec.maximumBackoff, spec.backoff * pow(2, Double(attempt - 1)))
        return delay / 2 + Double.random(in: 0...(delay / 2))
    }

    private mutating func waitForRateLimit() {
        if let lastRequest {
            let wait = spec.minimumInterval - Date().timeIntervalSince(lastRequest)
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
        }
        lastRequest = Date()
    }

    /// The start of an error body, on one line: APIs usually say there what went wrong.
    private func excerpt(of body: Data) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
            .components(separatedBy: .newlines).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? "" : ": \(text)\(body.count > 200 ? "…" : "")"
    }
}
