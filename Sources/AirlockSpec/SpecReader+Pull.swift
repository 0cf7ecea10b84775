import Yams

/// Reads `source.pull`: an HTTP API that `airlock pull` fetches into the inbox.
extension SpecReader {
    private static var variablePattern: Regex<Substring> { #/[A-Za-z_][A-Za-z0-9_]*/# }

    func pull(_ node: Node, for source: SourceSpec, at place: String) throws -> PullSpec {
        guard source.format == .json else { throw invalid(place, "pulled dumps are JSON; this source reads CSV files") }
        let fields = try mapping(node, at: place)
        try checkKeys(
            fields,
            known: [
                "url", "method", "body", "headers", "params", "auth", "pagination", "page_size",
                "rate_limit", "timeout", "attempts", "backoff", "ca_file", "max_pages", "incremental"
            ],
            at: place)
        let url = try string(try required(fields, "url", at: place), at: "\(place).url")
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
            throw invalid("\(place).url", "'\(url)' is not an http:// or https:// URL")
        }
        var pull = PullSpec(url: url)
        try checkVariables(in: url, at: "\(place).url")
        if let node = fields["method"] {
            let spelling = try string(node, at: "\(place).method")
            guard let method = PullSpec.Method(rawValue: spelling.uppercased()) else {
                throw invalid("\(place).method", "unknown method '\(spelling)'; use GET or POST")
            }
            pull.method = method
        }
        pull.body = try fields["body"].map { try string($0, at: "\(place).body") }
        pull.headers = try self.fields(fields["headers"], at: "\(place).headers")
        pull.parameters = try self.fields(fields["params"], at: "\(place).params")
        if let node = fields["auth"] { pull.auth = try auth(node, at: "\(place).auth") }
        if let node = fields["page_size"] { pull.pageSize = try count(node, at: "\(place).page_size") }
        if let node = fields["pagination"] { pull.pagination = try pagination(node, at: "\(place).pagination") }
        if let node = fields["rate_limit"] { pull.minimumInterval = try rateLimit(node, at: "\(place).rate_limit") }
        if let node = fields["timeout"] { pull.timeout = try duration(node, at: "\(place).timeout") }
        if let node = fields["backoff"] { pull.backoff = try duration(node, at: "\(place).backoff") }
        if let node = fields["attempts"] { pull.attempts = try count(node, at: "\(place).attempts") }
        if let node = fields["max_pages"] { pull.maximumPages = try count(node, at: "\(place).max_pages") }
        pull.caFile = try fields["ca_file"].map { try string($0, at: "\(place).ca_file") }
        if let node = fields["incremental"] {
            pull.incremental = try incremental(node, of: pull, at: "\(place).incremental")
        }
        return pull
    }

    /// Pulled dumps land as `ENTITY-YYYYMMDDTHHMMSSZ.json`; the entity must take that name.
    func checkPullFileName(of entity: EntitySpec, at place: String) throws {
        guard entity.source.pull != nil else { return }
        let sample = PullSpec.dumpFileName(entity: entity.name, stamp: "20260101T000000Z")
        guard entity.source.matches(fileName: sample) else {
            throw invalid(
                "\(place).files",
                "pulled dumps are named like \(sample), which '\(entity.source.filePattern)' does not match; use a pattern such as '\(entity.name)*.json'"
            )
        }
    }

    private func fields(_ node: Node?, at place: String) throws -> [PullSpec.Field] {
        guard let node else { return [] }
        return try mapping(node, at: place).map { nameNode, valueNode in
            let name = try string(nameNode, at: place)
            let value = try string(valueNode, at: "\(place).\(name)")
            guard !name.isEmpty, !name.contains(where: { $0 == ":" || $0 == "\n" || $0 == "\r" }),
                !value.contains(where: { $0 == "\n" || $0 == "\r" })
            else {
                throw invalid("\(place).\(name)", "a name or value holds a line break or a colon\(line(nameNode))")
            }
            try checkVariables(in: value, at: "\(place).\(name)")
            return PullSpec.Field(name: name, value: value)
        }
    }

    /// `${NAME}` must be a whole variable name, so a typo fails when the spec loads.
    private func checkVariables(in text: String, at place: String) throws {
        for match in text.matches(of: #/\$\{([^}]*)\}/#)
        where match.output.1.wholeMatch(of: Self.variablePattern) == nil {
            throw invalid(place, "'${\(match.output.1)}' is not an environment variable name")
        }
    }

    private func auth(_ node: Node, at place: String) throws -> PullSpec.Auth {
        let fields = try mapping(node, at: place)
        try checkKeys(fields, known: ["bearer", "basic"], at: place)
        if let bearer = fields["bearer"] {
            return .bearer(variable: try variable(bearer, at: "\(place).bearer"))
        }
        if let basic = fields["basic"] {
            let credentials = try mapping(basic, at: "\(place).basic")
            try checkKeys(credentials, known: ["username", "password"], at: "\(place).basic")
            return .basic(
                userVariable: try variable(
                    try required(credentials, "username", at: "\(place).basic"), at: "\(place).basic.username"),
                passwordVariable: try variable(
                    try required(credentials, "password", at: "\(place).basic"), at: "\(place).basic.password"))
        }
        throw invalid(place, "use bearer: VARIABLE or basic: {username: VARIABLE, password: VARIABLE}\(line(node))")
    }

    /// Auth names an environment variable, never the secret itself.
    private func variable(_ node: Node, at place: String) throws -> String {
        let name = try string(node, at: place)
        guard name.wholeMatch(of: Self.variablePattern) != nil else {
            throw invalid(
                place,
                "'\(name)' is not an environment variable name; write the variable's name, not the secret\(line(node))")
        }
        return name
    }

    private func pagination(_ node: Node, at place: String) throws -> Pagination {
        let fields = try mapping(node, at: place)
        try checkKeys(fields, known: ["style", "param", "size_param", "next", "has_more", "start"], at: place)
        let style = try string(try required(fields, "style", at: place), at: "\(place).style")
        let parameter = try fields["param"].map { try string($0, at: "\(place).param") }
        let sizeParameter = try fields["size_param"].map { try string($0, at: "\(place).size_param") }
        let next = try fields["next"].map { try path(try string($0, at: "\(place).next"), at: "\(place).next") }
        let hasMore = try fields["has_more"].map {
            try path(try string($0, at: "\(place).has_more"), at: "\(place).has_more")
        }
        switch style {
        case "none":
            return Pagination(style: .none, hasMore: hasMore)
        case "page":
            let start = try fields["start"].map { Int(try string($0, at: "\(place).start")) } ?? 1
            guard let start else { throw invalid("\(place).start", "expected a whole number") }
            return Pagination(
                style: .page(parameter: parameter ?? "page", start: start, sizeParameter: sizeParameter),
                hasMore: hasMore)
        case "offset":
            return Pagination(
                style: .offset(parameter: parameter ?? "offset", sizeParameter: sizeParameter ?? "limit"),
                hasMore: hasMore)
        case "cursor":
            guard let next else {
                throw invalid(
                    place, "a cursor pagination needs next: the path of the next cursor in a page (meta.next_cursor)")
            }
            return Pagination(style: .cursor(parameter: parameter ?? "cursor", next: next), hasMore: hasMore)
        case "next_link":
            return Pagination(style: .nextLink(next: next), hasMore: hasMore)
        default:
            throw invalid("\(place).style", "unknown style '\(style)'; use none, page, offset, cursor or next_link")
        }
    }

    private func path(_ text: String, at place: String) throws -> [String] {
        let keys = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard keys.allSatisfy({ !$0.isEmpty }) else {
            throw invalid(place, "'\(text)' is not a dotted path such as meta.next_cursor")
        }
        return keys
    }

    private func count(_ node: Node, at place: String) throws -> Int {
        guard let value = Int(try string(node, at: place)), value > 0 else {
            throw invalid(place, "expected a whole number above zero\(line(node))")
        }
        return value
    }

    /// `5/s`, `100/m`, `1000/h` → seconds between requests.
    private func rateLimit(_ node: Node, at place: String) throws -> Double {
        let text = try string(node, at: place)
        guard let match = text.wholeMatch(of: #/([0-9]{1,6})/(s|m|h)/#), let requests = Double(match.output.1),
            requests > 0
        else {
            throw invalid(place, "'\(text)' is not a rate such as 5/s, 100/m or 1000/h\(line(node))")
        }
        let period: Double = ["s": 1, "m": 60, "h": 3_600][String(match.output.2)]!
        return period / requests
    }
}
