import AirlockBase
import CCurl
import Foundation

/// Sends HTTP requests through one libcurl easy handle, so pages of one pull reuse the
/// connection. TLS peers and host names are always verified; only http and https are spoken,
/// redirects included.
final class CurlClient {
    /// Why a request got no HTTP response; `isTransient` failures are worth another attempt.
    struct TransportFailure: Error {
        let code: UInt32
        let message: String

        var isTransient: Bool {
            Self.transientCodes.contains(code)
        }

        /// Timeouts, refused or dropped connections, bodies cut short, DNS hiccups.
        private static let transientCodes: Set<UInt32> = [
            CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_HTTP2, CURLE_PARTIAL_FILE,
            CURLE_OPERATION_TIMEDOUT, CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_HTTP2_STREAM
        ].map(\.rawValue).reduce(into: []) { $0.insert($1) }
    }

    /// A page larger than this is refused rather than held in memory.
    static let maximumBodyBytes = 512 << 20

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_ALL)) }()

    private let handle: UnsafeMutableRawPointer

    init() {
        _ = Self.globalInit
        guard let handle = curl_easy_init() else { fatalError("libcurl could not allocate a handle (out of memory)") }
        self.handle = handle
    }

    deinit {
        curl_easy_cleanup(handle)
    }

    func perform(_ request: HTTPRequest) -> Result<HTTPResponse, TransportFailure> {
        curl_easy_reset(handle)
        let exchange = Exchange()
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for header in request.headers { headerList = curl_slist_append(headerList, header) }

        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errorPointer in
            let context = Unmanaged.passUnretained(exchange).toOpaque()
            let setup: [CURLcode] =
                [
                    airlock_curl_setopt_string(handle, CURLOPT_URL, request.url),
                    airlock_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
                    airlock_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(request.timeout * 1000)),
                    airlock_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 1),
                    airlock_curl_setopt_long(handle, CURLOPT_MAXREDIRS, 5),
                    airlock_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"),
                    airlock_curl_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"),
                    airlock_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1),
                    airlock_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2),
                    airlock_curl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, ""),
                    airlock_curl_setopt_string(handle, CURLOPT_USERAGENT, "airlock-pull/1 (libcurl)"),
                    airlock_curl_setopt_pointer(handle, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headerList)),
                    airlock_curl_setopt_pointer(
                        handle, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorPointer.baseAddress)),
                    airlock_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, Exchange.receiveBody),
                    airlock_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context),
                    airlock_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, Exchange.receiveHeader),
                    airlock_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
                ] + methodOptions(request)
                + (request.caFile.map { [airlock_curl_setopt_string(handle, CURLOPT_CAINFO, $0)] } ?? [])
            if let failed = setup.first(where: { $0 != CURLE_OK }) { return failed }
            return curl_easy_perform(handle)
        }
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            let message =
                exchange.overflow
                ? "the response is larger than \(Self.maximumBodyBytes >> 20) MB"
                : detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            return .failure(TransportFailure(code: code.rawValue, message: message))
        }
        var status = 0
        _ = airlock_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var effectiveURL: UnsafePointer<CChar>?
        _ = airlock_curl_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &effectiveURL)
        return .success(
            HTTPResponse(
                status: status, headers: exchange.headers, body: exchange.body,
                url: effectiveURL.map { String(cString: $0) } ?? request.url))
    }

    private func methodOptions(_ request: HTTPRequest) -> [CURLcode] {
        switch request.method {
        case .get:
            return [airlock_curl_setopt_long(handle, CURLOPT_HTTPGET, 1)]
        case .post:
            let body = request.body ?? ""
            return [
                airlock_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.utf8.count),
                airlock_curl_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, body)
            ]
        }
    }

    /// Collects one response as libcurl hands it over.
    private final class Exchange {
        var body = Data()
        var headers: [(name: String, value: String)] = []
        var overflow = false

        static let receiveBody: airlock_curl_data_callback = { data, size, count, context in
            let exchange = Unmanaged<Exchange>.fromOpaque(context!).takeUnretainedValue()
            let length = size * count
            guard exchange.body.count + length <= CurlClient.maximumBodyBytes else {
                exchange.overflow = true
                return 0
            }
            if let data {
                exchange.body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: length)
            }
            return length
        }

        /// One call per header line; a status line starts the headers of a new response
        /// (after a redirect or a `100 Continue`).
        static let receiveHeader: airlock_curl_data_callback = { data, size, count, context in
            let exchange = Unmanaged<Exchange>.fromOpaque(context!).takeUnretainedValue()
            let length = size * count
            guard let data else { return length }
            let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if line.hasPrefix("HTTP/") {
                exchange.headers.removeAll()
            } else if let colon = line.firstIndex(of: ":") {
                exchange.headers.append(
                    (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
            return length
        }
    }
}
